import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** OpenAPI shapes of intake's answers (documentation only; the presenters build the bodies). */

class LocationViewDto {
  @ApiProperty({ example: '和平区劝业场街道福缘里 3 号楼通道' }) address!: string;
  @ApiProperty({ example: '和平区劝业场街道福缘里3号楼通道', description: '规范化地址（用于重复问题判断）/ normalised address' }) normalisedAddress!: string;
  @ApiProperty({ type: String, example: '39753009-96c5-53f8-a60e-d9f5e47bf649', nullable: true }) communityId!: string | null;
  @ApiProperty({ type: Number, example: 39.1207, nullable: true }) lat!: number | null;
  @ApiProperty({ type: Number, example: 117.2008, nullable: true }) lng!: number | null;
}

class TriageReasonDto {
  @ApiProperty({ example: 'life-safety' }) rule!: string;
  @ApiProperty({ example: '危及生命安全，定为红色' }) zh!: string;
  @ApiProperty({ example: 'life safety at risk: RED' }) en!: string;
}

class TriageViewDto {
  @ApiProperty({ type: String, example: 'RED', enum: ['RED', 'YELLOW', 'BLUE'] }) level!: string;
  @ApiProperty({ example: 1 }) policyVersion!: number;
  @ApiProperty({ example: ['base', 'households'], type: [String], description: '起作用的规则 / rules that applied' }) rules!: string[];
  @ApiProperty({ type: [TriageReasonDto] }) reasons!: TriageReasonDto[];
}

class DeadlinesDto {
  @ApiProperty({ type: String, example: '2026-11-25T08:45:00.000Z', nullable: true, description: '报到时限 / report by' }) reportBy!: string | null;
  @ApiProperty({ type: String, example: '2026-11-25T09:00:00.000Z', nullable: true, description: '到场时限 / arrive by' }) arriveBy!: string | null;
  @ApiProperty({ type: String, example: '2026-11-26T08:30:00.000Z', nullable: true, description: '办结时限 / complete by' }) completeBy!: string | null;
}

class ExtensionViewDto {
  @ApiProperty({ format: 'uuid', description: '延期申请编号 / request id' }) requestId!: string;
  @ApiProperty({ enum: ['ARRIVE', 'COMPLETE'], description: '到场 / 办结时限' }) kind!: string;
  @ApiProperty({ example: '2026-11-27T10:00:00.000Z', description: '申请延期至 / asked until' }) until!: string;
  @ApiProperty({ example: '需等待燃气公司停气', description: '延期理由 / reason' }) reason!: string;
  @ApiProperty({ description: '申请时的现行时限 / the deadline in force when asked' }) dueAt!: string;
  @ApiProperty() requestedAt!: string;
  @ApiProperty({ enum: ['PENDING', 'APPROVED', 'DENIED'], description: '待审批 / 已批准 / 未批准' }) status!: string;
  @ApiProperty({ nullable: true }) decidedAt!: string | null;
  @ApiProperty({ nullable: true, description: '指挥中心的理由 / the command center’s reason' }) decisionReason!: string | null;
}

class AssignmentViewDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid', example: '90c4452e-f2b5-5aac-a8a9-3515eb0a3e2d', description: '部门 id / department id' }) departmentId!: string;
  @ApiProperty({ enum: ['LEAD', 'ASSIST'], example: 'LEAD', description: '牵头 / 协办' }) role!: string;
  @ApiProperty({ example: 'REPORTED', enum: ['SUMMONED', 'REPORTED', 'ARRIVED', 'IN_PROGRESS', 'DISPUTED', 'COMPLETED', 'CLOSED', 'REASSIGNED'] }) status!: string;
  @ApiProperty({ example: '2026-11-25T08:30:00.000Z' }) summonedAt!: string;
  @ApiProperty({ type: String, example: '2026-11-25T08:38:00.000Z', nullable: true }) reportedAt!: string | null;
  @ApiProperty({ nullable: true, example: null }) arrivedAt!: string | null;
  @ApiProperty({ nullable: true, example: null }) completedAt!: string | null;
  @ApiProperty({ type: String, nullable: true, example: null, description: '办结结果 / result' }) result!: string | null;
  @ApiProperty({ type: DeadlinesDto }) deadlines!: DeadlinesDto;
  @ApiProperty({ example: [], description: '已超时的时限 / missed deadlines [{kind, dueAt}]' }) overdue!: Array<{ kind: string; dueAt: string }>;
  @ApiProperty({ type: [ExtensionViewDto], description: '延期申请（待审批和已裁决）/ extension requests, pending and decided (contract §11)' }) extensions!: ExtensionViewDto[];
}

class FeedbackLinkDto {
  @ApiPropertyOptional({ example: '/feedback/3q2-7wQm1yXl0aZk9sV4bN8cR6tU2pE5hJ0gF1dA7iO', description: '一次性评价链接，仅发起街道可见 / one-time link, owning street only' }) link?: string;
  @ApiPropertyOptional({ example: '2026-12-25T08:30:00.000Z' }) expiresAt?: string;
  @ApiPropertyOptional({ example: 'GIVEN' }) status?: string;
  @ApiPropertyOptional({ example: 'SATISFIED' }) rating?: string;
  @ApiPropertyOptional({ example: 100 }) score?: number;
}

/** The read model of a whistle (contract §2). */
class StuckDto {
  @ApiProperty({ example: 'dispatch', description: '搁置该哨件消息的服务 / the service whose consumer parked the whistle’s events' }) service!: string;
  @ApiProperty({ example: 'PostgreSQL 22P05: unsupported Unicode escape sequence', description: '原因 / why the event could not be applied' }) reason!: string;
  @ApiProperty({ example: '2026-12-04T08:00:00.000Z' }) since!: string;
}

export class WhistleResponseDto {
  @ApiProperty({ format: 'uuid', example: '5d0c3e1a-8f27-4b61-9d0e-2c7a54f1b9e3' }) id!: string;
  @ApiProperty({ format: 'uuid', example: 'cdd804c6-dc1e-512e-a6f6-f2f1f0cdba2b', description: '街道 id（来自令牌）/ street id (from the token)' }) streetId!: string;
  @ApiProperty({ type: String, example: 'FIRE_LANE_BLOCKED' }) situationCode!: string;
  @ApiProperty({ example: 'EMERGENCY' }) area!: string;
  @ApiProperty({ type: String, example: '早餐车占用消防通道，液化气罐存在安全隐患' }) title!: string;
  @ApiProperty({ type: String, example: '福缘里小区两排楼之间的通道被早餐三轮车占用，液化气罐距一楼窗户不足两米。' }) description!: string;
  @ApiProperty({ type: LocationViewDto }) location!: LocationViewDto;
  @ApiProperty({ example: 'DISPATCHED', enum: ['BLOWN', 'TRIAGED', 'DISPATCHED', 'IN_PROGRESS', 'COMPLETED', 'RESOLVED', 'REOPENED', 'WITHDRAWN'] }) status!: string;
  @ApiProperty({ type: String, example: 'RED', nullable: true, enum: ['RED', 'YELLOW', 'BLUE'] }) level!: string | null;
  @ApiProperty({ type: TriageViewDto, nullable: true }) triage!: TriageViewDto | null;
  @ApiProperty({ type: DeadlinesDto, description: '未完成派单中最早的时限 / the earliest open deadlines' }) deadlines!: DeadlinesDto;
  @ApiProperty({ type: [AssignmentViewDto] }) assignments!: AssignmentViewDto[];
  @ApiProperty({ type: FeedbackLinkDto, nullable: true }) feedback!: FeedbackLinkDto | null;
  @ApiPropertyOptional({
    type: [StuckDto],
    description:
      '卡住：某服务无法应用该哨件的事件，已搁置待运维处理（GET 单件时给出，空表示正常）/ events of this whistle a service could not apply, parked until an operator replays or discards them (on GET of one whistle; empty when none)',
  })
  stuck?: StuckDto[];
  @ApiProperty({ example: '2026-11-25T08:29:58.120Z' }) createdAt!: string;
  @ApiProperty({ example: '2026-11-25T08:38:02.004Z' }) updatedAt!: string;
  @ApiProperty({ type: [String], description: '点名报到的部门 / requested departments' }) requestedDepartments!: string[];
  @ApiProperty({ example: { lifeSafety: false, householdsAffected: 80 } }) hints!: { lifeSafety: boolean; householdsAffected: number | null };
  @ApiProperty({ type: 'array', items: { type: 'object', properties: { url: { type: 'string' }, kind: { type: 'string' } } }, example: [{ url: 'https://files.example.gov.cn/p/1.jpg', kind: 'photo' }] }) attachments!: Array<{ url: string; kind: string }>;
  @ApiProperty({ example: 0, description: '催办次数 / escalations' }) escalations!: number;
  @ApiProperty({ example: 3, description: '读模型已吸收的总线事件数（= 审计流长度）/ bus events absorbed (= ledger length)' }) projectionVersion!: number;
}

export class WhistleListResponseDto {
  @ApiProperty({ type: [WhistleResponseDto] }) items!: WhistleResponseDto[];
  @ApiProperty({ type: String, nullable: true, example: 'eyJhdCI6IjIwMjYtMTEtMjVUMDg6Mjk6NTguMTIwMDAwWiIsImlkIjoiNWQwYzNlMWEifQ', description: '下一页游标，null 表示没有更多 / next page cursor, null at the end' })
  nextCursor!: string | null;
}

class ActorDto {
  @ApiProperty({ example: 'street' }) role!: string;
  @ApiProperty({ type: String, example: 'cdd804c6-dc1e-512e-a6f6-f2f1f0cdba2b', nullable: true }) org!: string | null;
  @ApiProperty({ example: 'wang.li' }) sub!: string;
}

class LedgerEventDto {
  @ApiProperty({ format: 'uuid' }) eventId!: string;
  @ApiProperty({ example: 'WhistleBlown' }) type!: string;
  @ApiProperty({ example: 1 }) position!: number;
  @ApiProperty({ example: '2026-11-25T08:29:58.120Z' }) occurredAt!: string;
  @ApiProperty({ type: ActorDto }) actor!: ActorDto;
  @ApiProperty({ example: { whistleId: '5d0c3e1a-8f27-4b61-9d0e-2c7a54f1b9e3', title: '早餐车占用消防通道' } }) data!: Record<string, unknown>;
  @ApiProperty({ example: 'intake', description: '记录该事件的服务 / recording service' }) source!: string;
  @ApiProperty({ example: '9f1c…（64 位十六进制）' }) hash!: string;
  @ApiProperty({ example: '0000000000000000000000000000000000000000000000000000000000000000' }) prevHash!: string;
  @ApiPropertyOptional({
    type: [String],
    example: ['data.by.name', 'actor.sub'],
    description: '对本读者隐去的字段（值为 "[已隐去 / redacted]"；hash 仍覆盖原值）；无则不出现 / fields hidden from this reader (value "[已隐去 / redacted]"; hash still covers the original); absent when none',
  })
  redacted?: string[];
}

export class WhistleEventsResponseDto {
  @ApiProperty({ format: 'uuid' }) whistleId!: string;
  @ApiProperty({ type: [LedgerEventDto] }) events!: LedgerEventDto[];
  @ApiProperty({
    example: { valid: true, length: 3 },
    description:
      '哈希链校验：账本的链、账本长度与读模型记录的事件数、intake 自身存储的原件与账本副本；被篡改时 valid=false，给出 firstBadPosition 与原因 reason（中文 / English）。' +
      'Chain check: the ledger chain, its length against the events the read model counted, and intake’s own stored originals against their copies; when altered, valid=false with firstBadPosition and a reason (Chinese / English).',
  })
  chain!: { valid: boolean; length: number; firstBadPosition?: number; reason?: string };
}
