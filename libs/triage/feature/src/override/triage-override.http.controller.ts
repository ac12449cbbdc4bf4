import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiBearer } from '@chuishao/platform';
import { CurrentPrincipal, Roles, type Principal } from '@chuishao/auth';
import { OverrideTriageHandler } from './override-triage.handler';
import { OverrideTriageRequestDto, OverrideTriageResponse } from './override-triage.request.dto';
import { Access, accessOnly } from '@chuishao/auth';

@ApiTags('triage policy 分级策略')
@ApiBearer()
@Controller('api/v1/whistles')
export class TriageOverrideHttpController {
  constructor(private readonly override: OverrideTriageHandler) {}

  @Post(':id/triage-override')
  @Access(accessOnly('command-center'))
  @HttpCode(200)
  @Roles('command-center')
  @ApiOperation({
    summary: '人工改判级别 / Override a whistle’s level',
    description:
      '仅区指挥中心；理由必填（≥ 2 字）。记录 TriageOverridden（含新级别在该哨件策略版本下的时限），调度据此重算未完成派单的时限。' +
      ' / command-center only; reason required. 404 unknown whistle; 409 when the whistle is RESOLVED or WITHDRAWN or already at that level; 422 without a reason.',
  })
  @ApiResponse({ status: 200, type: OverrideTriageResponse })
  @ApiResponse({ status: 403, description: '仅区指挥中心 / command-center only' })
  @ApiResponse({ status: 404, description: '哨件不存在（或尚未分级）/ unknown (or not yet triaged) whistle' })
  @ApiResponse({ status: 409, description: '已办结确认、已撤回，或级别未变 / closed whistle or same level' })
  @ApiResponse({ status: 422, description: '缺少理由或级别无效 / missing reason or invalid level' })
  async overrideTriage(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() dto: OverrideTriageRequestDto,
  ): Promise<OverrideTriageResponse> {
    return this.override.handle(principal, id, dto);
  }
}
