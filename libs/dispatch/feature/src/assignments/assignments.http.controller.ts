import { Body, Controller, Get, Headers, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { DispatchAssignmentListResponse, DispatchAssignmentResponse, DispatchDisputeResolutionResponse } from './assignment.response';
import { DataSource } from 'typeorm';
import { CurrentPrincipal, Roles, type Principal } from '@chuishao/auth';
import { ApiBearer, ProblemException } from '@chuishao/platform';
import { defaultCatalog } from '@chuishao/catalog';
import type { ReplyType } from '@chuishao/dispatch-contracts';
import { HttpReplies } from './http-replies';
import { refusalProblem } from './refusal-problem';
import { AssignmentRepository, parseAssignmentCursor, type AssignmentResource } from './assignment.repository';
import { ReplyRequestDto } from './reply.request.dto';
import { DisputeResolutionRequestDto } from './dispute-resolution.request.dto';
import { ListAssignmentsQueryDto } from './list-assignments.query.dto';
import { ResolveDisputeHandler } from './resolve-dispute.handler';
import { Access, accessOnly } from '@chuishao/auth';

@ApiTags('assignments 派单与报到')
@ApiBearer()
@Controller('api/v1/assignments')
export class AssignmentsHttpController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly assignments: AssignmentRepository,
    private readonly replies: HttpReplies,
    private readonly resolveDispute: ResolveDisputeHandler,
  ) {}

  @Get()
  @Access({ ...accessOnly('command-center', 'assessment-office', 'admin', { department: 'own' }), note: '?departmentId= of another → 403' })
  @Roles('department', 'command-center', 'admin', 'assessment-office')
  @ApiOperation({
    summary: '派单列表 / Assignments',
    description: '部门角色只能查看本部门（departmentId 强制为本部门，指定其他部门则 403）；指挥中心、考核办、管理员可查看全部。/ A department sees only its own.',
  })
  @ApiOkResponse({ type: DispatchAssignmentListResponse })
  async list(@CurrentPrincipal() principal: Principal, @Query() q: ListAssignmentsQueryDto): Promise<{ items: AssignmentResource[]; nextCursor: string | null }> {
    let departmentId = q.departmentId;
    if (principal.role === 'department') {
      if (departmentId && departmentId !== principal.org) throw ProblemException.forbidden('部门只能查看本部门的派单 / A department sees only its own assignments');
      departmentId = principal.org;
    }
    const after = q.cursor ? parseAssignmentCursor(q.cursor) : undefined;
    if (q.cursor && !after) throw ProblemException.validation('cursor 无效 / invalid cursor', [{ field: 'cursor', message: 'not a cursor of this list' }]);
    return this.assignments.list(this.dataSource, { departmentId, status: q.status, whistleId: q.whistleId, after, limit: q.limit ?? 100 });
  }

  @Get(':id')
  @Access({ ...accessOnly('command-center', 'assessment-office', 'admin', { department: 'own' }), note: 'another department’s assignment → 403' })
  @Roles('department', 'command-center', 'admin', 'assessment-office')
  @ApiOperation({ summary: '派单详情 / One assignment' })
  @ApiOkResponse({ type: DispatchAssignmentResponse })
  async get(@CurrentPrincipal() principal: Principal, @Param('id', new ParseUUIDPipe()) id: string): Promise<AssignmentResource> {
    const a = await this.assignments.find(this.dataSource, id);
    if (!a) throw ProblemException.notFound(`派单不存在 / No assignment ${id}`);
    if (principal.role === 'department' && principal.org !== a.departmentId) throw ProblemException.forbidden('该派单不属于本部门 / Not your department’s assignment');
    return a;
  }

  @Post(':id/report')
  @Access(accessOnly({ department: 'own' }))
  @HttpCode(200)
  @ApiOkResponse({ type: DispatchAssignmentResponse, description: '派单（含时限）/ The assignment' })
  @ApiResponse({ status: 409, description: '状态不允许（顺序、已关闭、replyId 已用于其他回复）/ not allowed in this state' })
  @ApiResponse({ status: 422, description: '缺少退单理由或办结结果 / note or result missing' })
  @Roles('department')
  @ApiOperation({ summary: '报到 / Report' })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: '缺省 replyId 时用作回复幂等键 / used as replyId when the body has none' })
  report(@CurrentPrincipal() p: Principal, @Param('id', new ParseUUIDPipe()) id: string, @Body() dto: ReplyRequestDto, @Headers('idempotency-key') key?: string) {
    return this.reply(p, id, 'REPORT', dto, key);
  }

  @Post(':id/arrive')
  @Access(accessOnly({ department: 'own' }))
  @HttpCode(200)
  @ApiOkResponse({ type: DispatchAssignmentResponse, description: '派单（含时限）/ The assignment' })
  @ApiResponse({ status: 409, description: '状态不允许（顺序、已关闭、replyId 已用于其他回复）/ not allowed in this state' })
  @ApiResponse({ status: 422, description: '缺少退单理由或办结结果 / note or result missing' })
  @Roles('department')
  @ApiOperation({ summary: '到场 / Arrive (after report)' })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  arrive(@CurrentPrincipal() p: Principal, @Param('id', new ParseUUIDPipe()) id: string, @Body() dto: ReplyRequestDto, @Headers('idempotency-key') key?: string) {
    return this.reply(p, id, 'ARRIVE', dto, key);
  }

  @Post(':id/progress')
  @Access(accessOnly({ department: 'own' }))
  @HttpCode(200)
  @ApiOkResponse({ type: DispatchAssignmentResponse, description: '派单（含时限）/ The assignment' })
  @ApiResponse({ status: 409, description: '状态不允许（顺序、已关闭、replyId 已用于其他回复）/ not allowed in this state' })
  @ApiResponse({ status: 422, description: '缺少退单理由或办结结果 / note or result missing' })
  @Roles('department')
  @ApiOperation({ summary: '处置进展 / Progress (after report)' })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  progress(@CurrentPrincipal() p: Principal, @Param('id', new ParseUUIDPipe()) id: string, @Body() dto: ReplyRequestDto, @Headers('idempotency-key') key?: string) {
    return this.reply(p, id, 'PROGRESS', dto, key);
  }

  @Post(':id/dispute')
  @Access(accessOnly({ department: 'own' }))
  @HttpCode(200)
  @ApiOkResponse({ type: DispatchAssignmentResponse, description: '派单（含时限）/ The assignment' })
  @ApiResponse({ status: 409, description: '状态不允许（顺序、已关闭、replyId 已用于其他回复）/ not allowed in this state' })
  @ApiResponse({ status: 422, description: '缺少退单理由或办结结果 / note or result missing' })
  @Roles('department')
  @ApiOperation({ summary: '退单 / Dispute (note = reason, required)' })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  dispute(@CurrentPrincipal() p: Principal, @Param('id', new ParseUUIDPipe()) id: string, @Body() dto: ReplyRequestDto, @Headers('idempotency-key') key?: string) {
    return this.reply(p, id, 'DISPUTE', dto, key);
  }

  @Post(':id/complete')
  @Access(accessOnly({ department: 'own' }))
  @HttpCode(200)
  @ApiOkResponse({ type: DispatchAssignmentResponse, description: '派单（含时限）/ The assignment' })
  @ApiResponse({ status: 409, description: '状态不允许（顺序、已关闭、replyId 已用于其他回复）/ not allowed in this state' })
  @ApiResponse({ status: 422, description: '缺少退单理由或办结结果 / note or result missing' })
  @Roles('department')
  @ApiOperation({ summary: '办结 / Complete (result required, after report)' })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  complete(@CurrentPrincipal() p: Principal, @Param('id', new ParseUUIDPipe()) id: string, @Body() dto: ReplyRequestDto, @Headers('idempotency-key') key?: string) {
    return this.reply(p, id, 'COMPLETE', dto, key);
  }

  @Post(':id/dispute-resolution')
  @Access(accessOnly('command-center'))
  @HttpCode(200)
  @ApiOkResponse({ type: DispatchDisputeResolutionResponse })
  @Roles('command-center')
  @ApiOperation({
    summary: '退单处理 / Settle a dispute',
    description: 'UPHOLD 退单成立：牵头部门须指定 reassignTo（改派新牵头部门，时限自现在起按等级重新计算）；REJECT 退单不成立：派单回到办理中。',
  })
  async resolve(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() dto: DisputeResolutionRequestDto,
  ): Promise<AssignmentResource & { reassignedTo: AssignmentResource | null }> {
    const a = await this.assignments.find(this.dataSource, id);
    if (!a) throw ProblemException.notFound(`派单不存在 / No assignment ${id}`);
    if (dto.reassignTo && !defaultCatalog().department(dto.reassignTo)) {
      throw ProblemException.validation('改派部门不存在 / reassignTo is not a department of the catalog', [{ field: 'reassignTo', message: 'unknown department' }]);
    }
    let reassignedTo: string | null;
    try {
      ({ reassignedTo } = await this.resolveDispute.handle(principal, a.whistleId, id, dto));
    } catch (err) {
      throw refusalProblem(err);
    }
    const after = (await this.assignments.find(this.dataSource, id)) as AssignmentResource;
    return { ...after, reassignedTo: reassignedTo ? ((await this.assignments.find(this.dataSource, reassignedTo)) ?? null) : null };
  }

  private async reply(principal: Principal, id: string, type: ReplyType, dto: ReplyRequestDto, idempotencyKey: string | undefined): Promise<AssignmentResource> {
    return (await this.replies.submit(principal, id, type, dto, idempotencyKey)).assignment;
  }
}
