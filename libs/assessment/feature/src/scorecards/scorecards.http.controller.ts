import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { Roles } from '@chuishao/auth';
import { defaultCatalog } from '@chuishao/catalog';
import { ProblemException, histogram } from '@chuishao/platform';
import { currentScoringPolicy } from '../policy/scoring-policy.repository';
import { districtTimeZone } from '../projection/district-time-zone';
import { ScorecardsQueryDto } from './scorecards.request.dto';
import { buildScorecard } from './scorecard.reader';
import { attachmentDisposition, scorecardCsv, scorecardXlsx } from './scorecard.export';

const scorecardSeconds = histogram('chuishao_assessment_scorecard_seconds', 'Time to compute a scorecard', ['format']);

@ApiTags('assessment 考核评价')
@ApiBearerAuth()
@Controller('api/v1/assessment/scorecards')
export class ScorecardsHttpController {
  private readonly tz = districtTimeZone();

  constructor(private readonly dataSource: DataSource) {}

  @Get()
  @Roles('assessment-office', 'command-center', 'admin')
  @ApiProduces('application/json', 'text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
  @ApiOperation({
    summary: '50/20/30 考核得分 / Scorecards of a period',
    description:
      '完成度 50%、满意度 20%、感知度 30%；无数据的分项为 null，其余权重按比例放大；总分由四舍五入后的分项计算并四舍五入到 2 位小数，等级按四舍五入后的总分判定。asOf 重现任一历史时点；已关闭的考核期冻结在关闭时点。explanations 列出每一处失分。format=csv（UTF-8 BOM，CRLF）或 xlsx（两个工作表：考核得分、扣分说明）。',
  })
  async get(@Query() q: ScorecardsQueryDto, @Res({ passthrough: true }) reply: FastifyReply) {
    const started = process.hrtime.bigint();
    let asOf: Date | undefined;
    if (q.asOf !== undefined) {
      asOf = new Date(q.asOf);
      if (Number.isNaN(asOf.getTime()) || !/(Z|[+-]\d{2}:?\d{2})$/i.test(q.asOf)) {
        throw ProblemException.validation('asOf 必须是带时区的 ISO 8601 时间 / asOf must be an ISO 8601 time with an offset', [{ field: 'asOf', message: 'ISO 8601 with offset' }]);
      }
    }
    const policy = await currentScoringPolicy(this.dataSource);
    if (q.departmentId && !defaultCatalog().department(q.departmentId)) {
      throw ProblemException.validation('未知部门 / unknown department', [{ field: 'departmentId', message: `未知部门 / unknown department ${q.departmentId}` }]);
    }
    const card = await buildScorecard(this.dataSource, q.period, asOf, { policy, tz: this.tz, explain: q.explain !== 'false', explainDepartment: q.departmentId });
    const format = q.format ?? 'json';
    try {
      if (format === 'csv') {
        reply.header('content-type', 'text/csv; charset=utf-8');
        reply.header('content-disposition', attachmentDisposition(card.period, 'csv'));
        return scorecardCsv(card, policy);
      }
      if (format === 'xlsx') {
        reply.header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
        reply.header('content-disposition', attachmentDisposition(card.period, 'xlsx'));
        return await scorecardXlsx(card, policy);
      }
      return card;
    } finally {
      scorecardSeconds.observe({ format }, Number(process.hrtime.bigint() - started) / 1e9);
    }
  }
}
