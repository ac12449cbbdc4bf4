import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { CurrentPrincipal, Roles, type Principal } from '@chuishao/auth';
import { ApiBearer, ApiFile, ProblemException } from '@chuishao/platform';
import { districtTimeZone } from '../projection/district-time-zone';
import { ownDepartment } from '../scorecards/scorecards.http.controller';
import { AnnualQueryDto } from './annual.request.dto';
import { AnnualResponseDto } from './annual.response.dto';
import { buildAnnual } from './annual.reader';
import { annualCsv, annualDisposition, annualXlsx } from './annual.export';
import { Access, accessOnly } from '@chuishao/auth';

@ApiTags('assessment 考核评价')
@ApiBearer()
@Controller('api/v1/assessment/annual')
export class AnnualHttpController {
  constructor(private readonly dataSource: DataSource) {}

  @Get()
  @Access({ ...accessOnly('assessment-office', 'command-center', 'admin', 'department'), note: 'a department gets its own row' })
  @Roles('assessment-office', 'command-center', 'admin', 'department')
  @ApiFile('text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
  @ApiOperation({
    summary: '年度考核 / The annual grade',
    description:
      '每个部门的年度得分 = 各季度（或月度，按评分办法 annualFrom）总分按计入件数加权平均；等级、名次（计入件数少于 minimumSample 时 rank 为 null、insufficientSample 为 true）；annualContribution = 得分 × annualShare。' +
      '按 1 月 1 日生效的评分办法版本；各期按各自的版本计分并冻结在关闭时点（经申诉修订的取最新版）。format=csv（UTF-8 BOM，CRLF）或 xlsx。区直部门只得到本部门一行。',
  })
  @ApiResponse({ status: 200, type: AnnualResponseDto })
  async get(@CurrentPrincipal() principal: Principal, @Query() q: AnnualQueryDto, @Res() reply: FastifyReply): Promise<void> {
    let asOf: Date | undefined;
    if (q.asOf !== undefined) {
      asOf = new Date(q.asOf);
      if (Number.isNaN(asOf.getTime()) || !/(Z|[+-]\d{2}:?\d{2})$/i.test(q.asOf)) {
        throw ProblemException.validation('asOf 必须是带时区的 ISO 8601 时间 / asOf must be an ISO 8601 time with an offset', [{ field: 'asOf', message: 'ISO 8601 with offset' }]);
      }
    }
    const report = await buildAnnual(this.dataSource, q.year, asOf, { tz: districtTimeZone(), onlyDepartment: ownDepartment(principal, undefined) });
    if (q.format === 'csv') {
      void reply.code(200).headers({ 'content-type': 'text/csv; charset=utf-8', 'content-disposition': annualDisposition(report.year, 'csv') }).send(annualCsv(report));
    } else if (q.format === 'xlsx') {
      void reply
        .code(200)
        .headers({ 'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'content-disposition': annualDisposition(report.year, 'xlsx') })
        .send(await annualXlsx(report));
    } else {
      void reply.code(200).header('content-type', 'application/json; charset=utf-8').send(JSON.stringify(report));
    }
  }
}
