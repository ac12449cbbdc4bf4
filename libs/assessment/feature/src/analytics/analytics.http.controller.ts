import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { CurrentPrincipal, Roles, type Principal } from '@chuishao/auth';
import { ApiBearer, ProblemException } from '@chuishao/platform';
import { districtTimeZone } from '../projection/district-time-zone';
import { AnalyticsSummaryQueryDto } from './analytics-summary.request.dto';
import { readAnalyticsSummary } from './analytics-summary.reader';
import { AnalyticsSummaryResponseDto } from '../openapi.responses';
import { Access, accessOnly } from '@chuishao/auth';

const DEFAULT_WINDOW_MS = 90 * 24 * 3600 * 1000;

@ApiTags('analytics 分析研判')
@ApiBearer()
@Controller('api/v1/analytics')
export class AnalyticsHttpController {
  private readonly tz = districtTimeZone();

  constructor(private readonly dataSource: DataSource) {}

  @Get('summary')
  @Access({ ...accessOnly('street', 'command-center', 'assessment-office', 'admin'), note: 'a street gets its own street only' })
  @Roles('command-center', 'assessment-office', 'admin', 'street')
  @ApiOperation({
    summary: '分析研判汇总 / Analysis summary',
    description: '按领域、情形、等级、状态计数；各部门报到、到场、办结用时（自派单起，按收到回复的时间，秒）的 p50/p90；超期率；高发点位（同一规范化地址 ≥ 2 次，前 10）；按 ISO 周趋势；各街道件数。街道只能看本街道。',
  })
  @ApiOkResponse({ type: AnalyticsSummaryResponseDto })
  async summary(@CurrentPrincipal() principal: Principal, @Query() q: AnalyticsSummaryQueryDto) {
    const to = q.to ? new Date(q.to) : new Date();
    const from = q.from ? new Date(q.from) : new Date(to.getTime() - DEFAULT_WINDOW_MS);
    if (from.getTime() >= to.getTime()) throw ProblemException.validation('from 必须早于 to / from must be before to', [{ field: 'from', message: 'must be before to' }]);
    const streetId = principal.role === 'street' ? (principal.org as string) : (q.streetId ?? null);
    return readAnalyticsSummary(this.dataSource, { from, to, streetId, tz: this.tz });
  }
}
