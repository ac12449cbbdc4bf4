import { Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiBearer } from '@chuishao/platform';
import { CurrentPrincipal, Roles, type Principal } from '@chuishao/auth';
import { ClosePeriodHandler } from './close-period.handler';
import { PeriodClosedResponseDto } from '../openapi.responses';
import { Access, accessOnly } from '@chuishao/auth';

@ApiTags('assessment 考核评价')
@ApiBearer()
@Controller('api/v1/assessment/periods')
export class PeriodsHttpController {
  constructor(private readonly close: ClosePeriodHandler) {}

  @Post(':period/close')
  @Access(accessOnly('assessment-office'))
  @HttpCode(200)
  @Roles('assessment-office')
  @ApiOperation({
    summary: '关闭考核期（冻结）/ Close (freeze) a period',
    description: '关闭后本期及其包含的季度、月份不再接受街道评分（409）；本期考核得分按关闭时点计算（可用更早的 asOf）。只能在考核期结束后关闭，且只能关闭一次（409）。',
  })
  @ApiParam({ name: 'period', example: '2026-Q3' })
  @ApiResponse({ status: 200, type: PeriodClosedResponseDto, description: 'PeriodClosed' })
  @ApiResponse({ status: 409, description: '已关闭或尚未结束 / Already closed or not over yet' })
  async closePeriod(@CurrentPrincipal() principal: Principal, @Param('period') period: string) {
    return this.close.handle(principal, period);
  }
}
