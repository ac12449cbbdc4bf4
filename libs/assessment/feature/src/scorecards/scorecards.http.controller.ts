import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CurrentPrincipal, Roles, type Principal } from '@chuishao/auth';
import { defaultCatalog } from '@chuishao/catalog';
import { ApiBearer, ApiFile, ProblemException, histogram } from '@chuishao/platform';
import { DataSource } from 'typeorm';
import { ScorecardsQueryDto, ScorecardVersionsQueryDto } from './scorecards.request.dto';
import { listVersions } from './scorecard-versions';
import { ScorecardResponseDto } from './scorecard.response.dto';
import { ScorecardRenderer } from './scorecard.renderer';
import { httpAnswer } from './scorecard-cache';
import { ScorecardVersionsResponseDto } from '../openapi.responses';
import { Access, accessOnly } from '@chuishao/auth';

const scorecardSeconds = histogram('chuishao_assessment_scorecard_seconds', 'Time to compute a scorecard', ['format']);

@ApiTags('assessment 考核评价')
@ApiBearer()
@Controller('api/v1/assessment/scorecards')
export class ScorecardsHttpController {
  constructor(
    private readonly scorecards: ScorecardRenderer,
    private readonly dataSource: DataSource,
  ) {}

  @Get()
  @Access({ ...accessOnly('assessment-office', 'command-center', 'admin', { department: 'own' }), note: 'a department gets its own row; ?departmentId= of another → 403' })
  @Roles('assessment-office', 'command-center', 'admin', 'department')
  @ApiFile('text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
  @ApiOperation({
    summary: '50/20/30 考核得分 / Scorecards of a period',
    description:
      '完成度 50%、满意度 20%、感知度 30%；无数据的分项为 null，其余权重按比例放大；总分由四舍五入后的分项计算并四舍五入到 2 位小数，等级按四舍五入后的总分判定。asOf 重现任一历史时点；已关闭的考核期冻结在关闭时点。explanations 列出每一处失分。format=csv（UTF-8 BOM，CRLF）或 xlsx（两个工作表：考核得分、扣分说明）。' +
      '区直部门（department）只得到本部门的一行（含扣分说明，名次按全区排定）；departmentId 只能是本部门。' +
      '已定格的结果（已关闭的考核期，或过去的 asOf）带 ETag，可用 If-None-Match 得到 304，并由服务缓存（X-Chuishao-Cache: hit|miss|bypass；Accept-Encoding: gzip 时可返回 gzip）。',
  })
  @ApiHeader({ name: 'If-None-Match', required: false, description: 'ETag of a settled answer → 304 when unchanged' })
  @ApiHeader({ name: 'Accept-Encoding', required: false, description: 'gzip: a cached answer may come gzip-encoded (Content-Encoding: gzip)' })
  @ApiResponse({ status: 200, type: ScorecardResponseDto, description: 'The scorecard; headers ETag (settled answers), X-Chuishao-Cache, Vary: Accept-Encoding (cached answers)' })
  @ApiResponse({ status: 304, description: 'Not modified: If-None-Match names the current answer' })
  @ApiResponse({ status: 403, description: '部门查看其他部门 / a department asking for another department' })
  async get(@CurrentPrincipal() principal: Principal, @Query() q: ScorecardsQueryDto, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const started = process.hrtime.bigint();
    let asOf: Date | undefined;
    if (q.asOf !== undefined) {
      asOf = new Date(q.asOf);
      if (Number.isNaN(asOf.getTime()) || !/(Z|[+-]\d{2}:?\d{2})$/i.test(q.asOf)) {
        throw ProblemException.validation('asOf 必须是带时区的 ISO 8601 时间 / asOf must be an ISO 8601 time with an offset', [{ field: 'asOf', message: 'ISO 8601 with offset' }]);
      }
    }
    if (q.departmentId && !defaultCatalog().department(q.departmentId)) {
      throw ProblemException.validation('未知部门 / unknown department', [{ field: 'departmentId', message: `未知部门 / unknown department ${q.departmentId}` }]);
    }
    if (q.version !== undefined && asOf !== undefined) {
      throw ProblemException.validation('version 与 asOf 不能同时使用 / version and asOf exclude each other', [{ field: 'version', message: 'not with asOf' }]);
    }
    const onlyDepartment = ownDepartment(principal, q.departmentId);
    const format = q.format ?? 'json';
    try {
      const rendition = await this.scorecards.render({ period: q.period, asOf, format, explain: q.explain !== 'false', departmentId: q.departmentId, onlyDepartment, version: q.version });
      const answer = httpAnswer(rendition, { ifNoneMatch: request.headers['if-none-match'], acceptEncoding: request.headers['accept-encoding'] });
      void reply.code(answer.status).headers(answer.headers).send(answer.body);
    } finally {
      scorecardSeconds.observe({ format }, Number(process.hrtime.bigint() - started) / 1e9);
    }
  }

  @Get('versions')
  @Access({ ...accessOnly('assessment-office', 'command-center', 'admin', 'department'), note: 'version list only (no rows)' })
  @Roles('assessment-office', 'command-center', 'admin', 'department')
  @ApiOperation({
    summary: '已关闭考核期的考核表版本 / The stored versions of a closed period’s scorecard',
    description: '关闭后首次有申诉成立时保存第 1 版（关闭时的考核表）和第 2 版，之后每次成立一版；没有修订的考核期返回空列表（其考核表即第 1 版，按关闭时点计算）。',
  })
  @ApiResponse({ status: 200, type: ScorecardVersionsResponseDto })
  async versions(@Query() q: ScorecardVersionsQueryDto) {
    return { period: q.period, items: await listVersions(this.dataSource, q.period) };
  }
}

/** A department reads its own row only (contract §11); undefined for the roles that read every row. */
export function ownDepartment(principal: Principal, asked: string | undefined): string | undefined {
  if (principal.role !== 'department') return undefined;
  if (!principal.org) throw ProblemException.forbidden('令牌缺少部门 / the token names no department');
  if (asked && asked !== principal.org) throw ProblemException.forbidden('部门只能查看本部门的考核 / a department reads its own scorecard only');
  return principal.org;
}
