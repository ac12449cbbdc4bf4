import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiPropertyOptional, ApiResponse, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, Matches } from 'class-validator';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';
import { Access, PUBLIC_ACCESS, Public } from '@chuishao/auth';
import { parsePeriod } from '@chuishao/assessment-domain';
import { ApiProblems, ApiPublic, ProblemException, publicCacheSeconds, sendCacheable, TtlCache, type CacheableAnswer } from '@chuishao/platform';
import { PERIOD_MESSAGE, PERIOD_PATTERN } from '../ratings/rate-department.request.dto';
import { ScorecardRenderer } from '../scorecards/scorecard.renderer';
import { PublicDepartmentsResponseDto } from './public-departments.docs';
import { closedPeriods, publishedRates, type PublishedPeriod, type Rates } from './published-rates';

/** How many closed periods (this one included, oldest first) the trend shows. */
const TREND_PERIODS = 6;

class PublicDepartmentsQueryDto {
  @ApiPropertyOptional({ example: '2026-10', description: '已关闭的考核期（2026、2026-Q3、2026-09）；不填为最近一个已关闭的月份 / a closed period; default the last closed month' })
  @IsOptional()
  @IsString()
  @Matches(PERIOD_PATTERN, { message: PERIOD_MESSAGE })
  period?: string;
}

/**
 * 公示公开 (contract §13), assessment's part: each department's published 三率 — response, on-time
 * completion, satisfaction — for a closed period, with the trend over the closed periods before it.
 * No sign-in; ETag and a short max-age; nothing personal (department numbers only).
 */
@ApiTags('public 公示公开')
@Public()
@Access(PUBLIC_ACCESS)
@ApiPublic()
@Controller('api/v1/public/departments')
export class PublicDepartmentsHttpController {
  private readonly seconds = publicCacheSeconds();
  private readonly cache = new TtlCache<CacheableAnswer>(this.seconds * 1000);

  constructor(
    private readonly dataSource: DataSource,
    private readonly renderer: ScorecardRenderer,
  ) {}

  @Get()
  @ApiOperation({
    summary: '各部门公示三率（响应率、按时办结率、满意率）/ Departments’ published rates: response, on-time completion, satisfaction',
    description:
      '只公布已关闭的考核期；百分数，两位小数，无数据为 null。响应率 = 未超报到时限即报到的派单 / 当期派单；按时办结率 = 考核表的按时办结件 / 计入件；满意率 = 考核表的满意度（满意 100、基本满意 80、不满意 0 的平均）。trend 为含本期在内最近 6 个已关闭的同类考核期（旧→新）。' +
      ' / Closed periods only; percentages with 2 decimals, null without data. Response = assignments reported without a missed report deadline / assignments summoned; on-time = the scorecard’s on-time / counted; satisfaction = the scorecard’s satisfaction (mean of 100/80/0). `trend`: the last 6 closed periods of the kind, this one included, oldest first.',
  })
  @ApiOkResponse({ type: PublicDepartmentsResponseDto, description: 'ETag, Cache-Control: public, max-age' })
  @ApiResponse({ status: 304, description: '未变化：If-None-Match 与当前 ETag 相同 / Not modified: If-None-Match names the current answer' })
  @ApiProblems(
    { status: 404, description: '该考核期未关闭，尚未公布 / the period is not closed: nothing published' },
    { status: 422, description: '考核期格式无效 / invalid period' },
    { status: 429, description: '请求过于频繁，见 Retry-After / rate limited, see Retry-After' },
  )
  async get(@Query() q: PublicDepartmentsQueryDto, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const kind = q.period ? parsePeriod(q.period)?.kind : 'MONTH';
    if (!kind) throw ProblemException.validation('考核期无效 / Invalid period', [{ field: 'period', message: PERIOD_MESSAGE }]);
    const answer = await this.cache.get(`departments:${q.period ?? 'latest'}`, async () => {
      const closed = await closedPeriods(this.dataSource, kind);
      const at = q.period ? closed.findIndex((c) => c.period === q.period) : 0;
      if (at < 0 || !closed[at]) {
        if (q.period) throw ProblemException.notFound(`考核期 ${q.period} 尚未关闭，未公布 / Period ${q.period} is not closed: nothing is published yet`);
        return { body: JSON.stringify({ period: null, closedAt: null, policyVersion: null, departments: [], closedPeriods: [] }), contentType: 'application/json; charset=utf-8', maxAgeSeconds: this.seconds };
      }
      const window = closed.slice(at, at + TREND_PERIODS).reverse();
      const published: PublishedPeriod[] = [];
      for (const c of window) published.push(await publishedRates(this.dataSource, this.renderer, c.period, c.closedAt));
      const current = published[published.length - 1];
      const pick = (r: Rates) => ({ responseRate: r.responseRate, onTimeRate: r.onTimeRate, satisfactionRate: r.satisfactionRate });
      const body = {
        ...current,
        departments: current.departments.map((d) => ({
          ...d,
          trend: published.map((p) => ({ period: p.period, ...pick(p.departments.find((x) => x.departmentId === d.departmentId) ?? d) })),
        })),
        closedPeriods: closed.map((c) => c.period),
      };
      return { body: JSON.stringify(body), contentType: 'application/json; charset=utf-8', maxAgeSeconds: this.seconds };
    });
    sendCacheable(request, reply, answer);
  }
}
