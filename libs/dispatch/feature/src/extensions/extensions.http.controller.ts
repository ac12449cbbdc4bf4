import { Body, Controller, Get, Headers, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { CurrentPrincipal, Roles, type Principal } from '@chuishao/auth';
import { ApiBearer, ProblemException } from '@chuishao/platform';
import { extensionCapOfSummons, extensionRequestId } from '@chuishao/dispatch-domain';
import { AssignmentRepository, type AssignmentResource } from '../assignments/assignment.repository';
import { HttpReplies } from '../assignments/http-replies';
import { refusalProblem } from '../assignments/refusal-problem';
import { DecideExtensionHandler } from './decide-extension.handler';
import { ExtensionDecisionRequestDto } from './extension-decision.request.dto';
import { ExtensionRequestDto } from './extension.request.dto';
import { ExtensionRequestRepository, type ExtensionQueueItem, type ExtensionResource } from './extension-requests.repository';
import { DispatchExtensionListResponse, DispatchExtensionOutcomeResponse } from './extension.response';
import { ListExtensionsQueryDto } from './list-extensions.query.dto';
import { districtTimeZone, ScoringPolicyCaps } from '../scoring-policy/scoring-policy-caps';
import { Access, accessOnly } from '@chuishao/auth';

/**
 * 延期申请 (contract §11): a department asks for more time for its ARRIVE or COMPLETE deadline
 * (the same command as a reply of type EXTENSION on its replies topic), the command center
 * decides from its queue. Rules: docs/departments.md §6.
 */
@ApiTags('assignments 派单与报到')
@ApiBearer()
@Controller('api/v1/assignments')
export class ExtensionsHttpController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly assignments: AssignmentRepository,
    private readonly extensions: ExtensionRequestRepository,
    private readonly replies: HttpReplies,
    private readonly decideExtension: DecideExtensionHandler,
    private readonly caps: ScoringPolicyCaps,
  ) {}

  @Get('extensions')
  @Access(accessOnly('command-center', 'admin'))
  @Roles('command-center', 'admin')
  @ApiOperation({
    summary: '延期申请队列 / Extension requests (the command center’s queue)',
    description:
      '按申请时间先后（最早在前）。status=PENDING 只列仍在办理中的派单的待审批申请（派单已办结、关闭或改派的申请无法再裁决）。每个派单最多可批准的延期次数由派单所在月份开始时有效的考核评分办法规定（默认 2）：`assignment.cap` 为该派单的上限，`cap` 为本月派出的派单的上限。/ Oldest first; PENDING lists the requests of assignments still in work only. The cap of approved extensions per assignment is the scoring policy version in force at the start of the month of its summons (default 2): `assignment.cap` is the assignment’s, `cap` that of assignments summoned now.',
  })
  @ApiOkResponse({ type: DispatchExtensionListResponse })
  async list(@Query() q: ListExtensionsQueryDto): Promise<{ items: ExtensionQueueItem[]; cap: number }> {
    const versions = await this.caps.versions(this.dataSource);
    const tz = districtTimeZone();
    const capOf = (summonedAt: string) => extensionCapOfSummons(versions, summonedAt, tz);
    const items = await this.extensions.list(this.dataSource, { status: q.status, departmentId: q.departmentId, limit: q.limit ?? 200 }, capOf);
    return { items, cap: capOf(new Date().toISOString()) };
  }

  @Post(':id/extension')
  @Access(accessOnly({ department: 'own' }))
  @HttpCode(200)
  @Roles('department')
  @ApiOperation({
    summary: '延期申请 / Ask for an extension',
    description:
      '本部门的派单；与 replies 主题上 type=EXTENSION 的回复相同（幂等：replyId 或 Idempotency-Key）。until 须晚于现行时限且在未来；理由必填；同一时限同时只能有一个待审批申请；每个派单已批准的延期次数不得超过上限（派单所在月份开始时有效的考核评分办法规定，默认 2）。/ Your own assignment; the same as an EXTENSION reply; at most the cap of approved extensions (the scoring policy in force at the start of the summons’ month, default 2).',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: '缺省 replyId 时用作回复幂等键 / used as replyId when the body has none' })
  @ApiOkResponse({ type: DispatchExtensionOutcomeResponse, description: '派单及本次申请 / the assignment and the request' })
  @ApiResponse({ status: 403, description: '不是本部门的派单 / not your assignment' })
  @ApiResponse({ status: 404, description: '派单不存在 / unknown assignment' })
  @ApiResponse({ status: 409, description: '派单已办结、已关闭、已改派或退单待处理；同类申请待审批；已到场（ARRIVE）/ completed, closed, reassigned or disputed; one of this kind pending; already arrived' })
  @ApiResponse({ status: 422, description: '理由为空；until 不晚于现行时限或已过；超过延期次数上限 / blank reason; until not after the deadline in force or past; over the cap' })
  async request(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() dto: ExtensionRequestDto,
    @Headers('idempotency-key') key?: string,
  ): Promise<AssignmentResource & { extension: ExtensionResource }> {
    const { assignment, departmentId, replyId } = await this.replies.submit(
      principal,
      id,
      'EXTENSION',
      { replyId: dto.replyId, at: dto.at, by: dto.by, extension: { kind: dto.kind, until: dto.until, reason: dto.reason } },
      key,
    );
    const extension = await this.extensions.find(this.dataSource, extensionRequestId(departmentId, replyId));
    if (!extension) throw ProblemException.conflict(`replyId ${replyId} 已用于其他回复 / was already used for another reply`);
    return { ...assignment, extension };
  }

  @Post(':id/extension-decision')
  @Access(accessOnly('command-center'))
  @HttpCode(200)
  @Roles('command-center')
  @ApiOperation({
    summary: '延期审批 / Decide an extension request',
    description:
      'APPROVE：时限改为申请的 until（待判定的时限记录在同一事务中顺延）；批准时原时限已过的，原时限的超时记录成立，新时限自批准起适用。DENY：时限不变。部门在其 assignments 主题收到 EXTENSION_DECIDED。/ APPROVE moves the deadline; approved after it had fallen due, that miss stands.',
  })
  @ApiOkResponse({ type: DispatchExtensionOutcomeResponse })
  @ApiResponse({ status: 404, description: '派单或申请不存在 / unknown assignment or request' })
  @ApiResponse({ status: 409, description: '申请已裁决；派单已办结、已关闭、已改派或退单待处理 / already decided; assignment not in work' })
  @ApiResponse({ status: 422, description: '理由为空；until 已不晚于现行时限或已过；超过延期次数上限 / blank reason; until no longer after the deadline or past; over the cap' })
  async decide(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() dto: ExtensionDecisionRequestDto,
  ): Promise<AssignmentResource & { extension: ExtensionResource }> {
    const a = await this.assignments.find(this.dataSource, id);
    if (!a) throw ProblemException.notFound(`派单不存在 / No assignment ${id}`);
    try {
      await this.decideExtension.handle(principal, a.whistleId, id, dto);
    } catch (err) {
      throw refusalProblem(err);
    }
    const after = (await this.assignments.find(this.dataSource, id)) as AssignmentResource;
    return { ...after, extension: (await this.extensions.find(this.dataSource, dto.requestId)) as ExtensionResource };
  }
}
