import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** OpenAPI descriptions of the assignment resource (the shapes come from AssignmentRepository). */
class DispatchDeadlinesResponse {
  @ApiProperty({ type: String, example: '2026-11-25T08:15:00.000Z', description: '报到时限 / report by' })
  reportBy!: string;
  @ApiProperty({ type: String, example: '2026-11-25T08:30:00.000Z', description: '到场时限 / arrive by' })
  arriveBy!: string;
  @ApiProperty({ type: String, example: '2026-11-26T08:00:00.000Z', description: '办结时限 / complete by' })
  completeBy!: string;
}

class DispatchDeadlineEntryResponse {
  @ApiProperty({ enum: ['REPORT', 'ARRIVE', 'COMPLETE'] })
  kind!: string;
  @ApiProperty({ example: '2026-11-25T08:15:00.000Z' })
  dueAt!: string;
}

class DispatchAssignmentWhistleResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;
  @ApiProperty({ format: 'uuid', nullable: true })
  streetId!: string | null;
  @ApiProperty({ type: String, example: 'FIRE_LANE_BLOCKED', nullable: true })
  situationCode!: string | null;
  @ApiProperty({ type: String, example: '早餐车占用消防通道', nullable: true })
  title!: string | null;
  @ApiProperty({ type: String, example: '液化气罐停放在一楼窗外不足两米。', nullable: true })
  description!: string | null;
  @ApiProperty({ example: { address: '和平区劝业场街道福缘里 3 号' } })
  location!: unknown;
  @ApiProperty({ enum: ['OPEN', 'REOPENED', 'RESOLVED', 'WITHDRAWN'], nullable: true, description: '派单侧所知的哨件阶段 / the whistle as dispatch knows it' })
  phase!: string | null;
}

export class DispatchAssignmentResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;
  @ApiProperty({ format: 'uuid' })
  whistleId!: string;
  @ApiProperty({ format: 'uuid' })
  departmentId!: string;
  @ApiProperty({ enum: ['LEAD', 'ASSIST'], description: 'LEAD 牵头 / ASSIST 协办' })
  role!: string;
  @ApiProperty({ enum: ['SUMMONED', 'REPORTED', 'ARRIVED', 'IN_PROGRESS', 'DISPUTED', 'COMPLETED', 'CLOSED', 'REASSIGNED'] })
  status!: string;
  @ApiProperty({ type: String, enum: ['RED', 'YELLOW', 'BLUE'] })
  level!: string;
  @ApiProperty({ nullable: true })
  summonedAt!: string | null;
  @ApiProperty({ type: String, nullable: true, description: '收到报到的时间（时限以此为准）/ when we received the report' })
  reportedAt!: string | null;
  @ApiProperty({ nullable: true })
  arrivedAt!: string | null;
  @ApiProperty({ nullable: true })
  completedAt!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '液化气罐已移出通道' })
  result!: string | null;
  @ApiProperty({ nullable: true, description: '退单理由（退单待处理时）/ the pending dispute’s reason' })
  disputeNote!: string | null;
  @ApiProperty({ type: DispatchDeadlinesResponse, nullable: true })
  deadlines!: DispatchDeadlinesResponse | null;
  @ApiProperty({ type: [DispatchDeadlineEntryResponse], description: '尚待判定的时限 / deadlines still to be judged' })
  pendingDeadlines!: DispatchDeadlineEntryResponse[];
  @ApiProperty({ type: [DispatchDeadlineEntryResponse], description: '已超时 / missed deadlines' })
  overdue!: DispatchDeadlineEntryResponse[];
  @ApiProperty({
    description: '延期申请（待审批和已裁决，按申请时间）：见 GET /api/v1/assignments/extensions 的条目 / extension requests, pending and decided, oldest first',
    example: [],
    isArray: true,
    type: Object,
  })
  extensions!: unknown[];
  @ApiProperty({ type: DispatchAssignmentWhistleResponse })
  whistle!: DispatchAssignmentWhistleResponse;
  @ApiProperty()
  updatedAt!: string;
}

export class DispatchDisputeResolutionResponse extends DispatchAssignmentResponse {
  @ApiPropertyOptional({ type: DispatchAssignmentResponse, nullable: true, description: '改派产生的新派单 / the new assignment of a reassignment' })
  reassignedTo!: DispatchAssignmentResponse | null;
}

export class DispatchAssignmentListResponse {
  @ApiProperty({ type: [DispatchAssignmentResponse] })
  items!: DispatchAssignmentResponse[];
  @ApiProperty({ type: String, nullable: true, description: '下一页的 cursor；没有更多时为 null / cursor of the next page, null at the end' })
  nextCursor!: string | null;
}
