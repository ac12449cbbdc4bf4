import { ApiProperty } from '@nestjs/swagger';
import { DispatchAssignmentResponse } from '../assignments/assignment.response';

/** OpenAPI description of an extension request (延期申请, contract §11). */
class DispatchExtensionResponse {
  @ApiProperty({ format: 'uuid', description: '申请编号（裁决时使用）/ the id the decision names' })
  requestId!: string;
  @ApiProperty({ format: 'uuid' })
  assignmentId!: string;
  @ApiProperty({ format: 'uuid' })
  whistleId!: string;
  @ApiProperty({ format: 'uuid' })
  departmentId!: string;
  @ApiProperty({ enum: ['ARRIVE', 'COMPLETE'], description: 'ARRIVE 到场时限 / COMPLETE 办结时限' })
  kind!: string;
  @ApiProperty({ example: '2026-11-27T10:00:00.000Z', description: '申请延期至 / the deadline asked for' })
  until!: string;
  @ApiProperty({ example: '燃气管道需燃气公司停气后更换', description: '延期理由 / the department’s reason' })
  reason!: string;
  @ApiProperty({ description: '申请时的现行时限 / the deadline in force when asked' })
  dueAt!: string;
  @ApiProperty({ description: '收到申请的时间 / when we received the request' })
  requestedAt!: string;
  @ApiProperty({ enum: ['PENDING', 'APPROVED', 'DENIED'], description: 'PENDING 待审批 / APPROVED 已批准 / DENIED 未批准' })
  status!: string;
  @ApiProperty({ nullable: true })
  decidedAt!: string | null;
  @ApiProperty({ nullable: true, description: '指挥中心的理由 / the command center’s reason' })
  decisionReason!: string | null;
  @ApiProperty({ description: '批准时原时限已过：该时限的超时记录成立，新时限自批准起适用 / approved after the deadline had fallen due: its miss stands' })
  standing!: boolean;
}

class ExtensionQueueAssignment {
  @ApiProperty({ enum: ['LEAD', 'ASSIST'] })
  role!: string;
  @ApiProperty()
  status!: string;
  @ApiProperty({ type: String, enum: ['RED', 'YELLOW', 'BLUE'] })
  level!: string;
  @ApiProperty({ description: '派出时间 / when the assignment was summoned' })
  summonedAt!: string;
  @ApiProperty({ description: '该派单已批准的延期次数 / extensions already approved for the assignment' })
  approvedExtensions!: number;
  @ApiProperty({ example: 2, description: '该派单最多可批准的延期次数（派出当月开始时有效的考核评分办法，默认 2）/ the cap of approved extensions for this assignment (the scoring policy in force at the start of its summons’ month, default 2)' })
  cap!: number;
}

class ExtensionQueueWhistle {
  @ApiProperty({ type: String, nullable: true })
  title!: string | null;
  @ApiProperty({ nullable: true, format: 'uuid' })
  streetId!: string | null;
  @ApiProperty({ type: String, nullable: true })
  situationCode!: string | null;
}

class DispatchExtensionQueueItemResponse extends DispatchExtensionResponse {
  @ApiProperty({ type: ExtensionQueueAssignment })
  assignment!: ExtensionQueueAssignment;
  @ApiProperty({ type: ExtensionQueueWhistle })
  whistle!: ExtensionQueueWhistle;
}

export class DispatchExtensionListResponse {
  @ApiProperty({ type: [DispatchExtensionQueueItemResponse] })
  items!: DispatchExtensionQueueItemResponse[];
  @ApiProperty({ example: 2, description: '本月派出的派单最多可批准的延期次数（默认 2）/ the cap of approved extensions of an assignment summoned now (default 2)' })
  cap!: number;
}

export class DispatchExtensionOutcomeResponse extends DispatchAssignmentResponse {
  @ApiProperty({ type: DispatchExtensionResponse, description: '本次申请或裁决的延期申请 / the request asked or decided' })
  extension!: DispatchExtensionResponse;
}
