import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { DEFAULT_TRIAGE_POLICY } from '@chuishao/triage-domain';

/**
 * OpenAPI description of the policy document (docs/triage-policy.md explains every field). The
 * request body's `sla` and `rules` are validated by the domain's validatePolicy, not by
 * class-validator, so that every problem comes back as one 422 with field paths.
 */
class LevelSlaSchema {
  @ApiProperty({ example: 'PT15M', description: '报到时限，自派单时起算，ISO 8601 时长（W/D/H/M/S，可用秒如 PT2S；不可用年、月）/ report-by, from dispatch' })
  report!: string;
  @ApiProperty({ example: 'PT30M', description: '到场时限，须长于报到时限 / arrive-by, longer than report' })
  arrive!: string;
  @ApiProperty({ example: 'PT24H', description: '办结时限，须长于到场时限 / complete-by, longer than arrive' })
  complete!: string;
}

export class SlaSchema {
  @ApiProperty({ type: LevelSlaSchema, description: '红色：最紧急 / RED, most urgent; each phase ≤ YELLOW', example: DEFAULT_TRIAGE_POLICY.sla.RED })
  RED!: LevelSlaSchema;
  @ApiProperty({ type: LevelSlaSchema, description: '黄色 / YELLOW; each phase between RED and BLUE', example: DEFAULT_TRIAGE_POLICY.sla.YELLOW })
  YELLOW!: LevelSlaSchema;
  @ApiProperty({ type: LevelSlaSchema, description: '蓝色 / BLUE; each phase ≥ YELLOW', example: DEFAULT_TRIAGE_POLICY.sla.BLUE })
  BLUE!: LevelSlaSchema;
}

class BaseRuleSchema {
  @ApiProperty({ enum: [true], description: '基础级别（情形默认级别）不可停用 / the base rule cannot be disabled' })
  enabled!: true;
}
class LifeSafetyRuleSchema {
  @ApiProperty({ example: true })
  enabled!: boolean;
  @ApiProperty({ enum: ['RED', 'YELLOW', 'BLUE'], example: 'RED', description: 'hints.lifeSafety 为真时不低于该级别 / at least this level when hints.lifeSafety' })
  level!: string;
}
class HouseholdsRuleSchema {
  @ApiProperty({ example: true })
  enabled!: boolean;
  @ApiProperty({ example: 50, minimum: 1, maximum: 1000000, description: '受影响户数 ≥ threshold 时提级 / raise when householdsAffected ≥ threshold' })
  threshold!: number;
  @ApiProperty({ example: 1, minimum: 1, maximum: 2, description: '提升级数 / levels to raise' })
  steps!: number;
}
class RecurringRuleSchema {
  @ApiProperty({ example: true })
  enabled!: boolean;
  @ApiProperty({ example: 2, minimum: 1, maximum: 1000, description: '此前同类呼叫至少几起 / at least this many earlier whistles' })
  minEarlier!: number;
  @ApiProperty({ example: 200, exclusiveMinimum: true, minimum: 0, maximum: 10000, description: '半径（米，含边界，球面距离）/ radius in metres (haversine, inclusive)' })
  radiusMeters!: number;
  @ApiProperty({ example: 30, minimum: 1, maximum: 365, description: '时间窗（天 = 24 小时，含边界）/ window in days of 24 h (inclusive)' })
  windowDays!: number;
  @ApiProperty({ example: 1, minimum: 1, maximum: 2 })
  steps!: number;
}
class EmergencyFloorRuleSchema {
  @ApiProperty({ example: true })
  enabled!: boolean;
  @ApiProperty({ example: 'EMERGENCY', description: '呼叫领域代码 / area code' })
  area!: string;
  @ApiProperty({ enum: ['RED', 'YELLOW', 'BLUE'], example: 'YELLOW', description: '该领域的最低级别 / the lowest level for the area' })
  floor!: string;
}

export class TriageRulesSchema {
  @ApiProperty({ type: BaseRuleSchema, description: '① 基础级别 = 呼叫情形默认级别 / base level = the situation default' })
  base!: BaseRuleSchema;
  @ApiProperty({ type: LifeSafetyRuleSchema, name: 'life-safety', description: '② 涉及生命安全 / life safety' })
  'life-safety'!: LifeSafetyRuleSchema;
  @ApiProperty({ type: HouseholdsRuleSchema, name: 'households-affected', description: '③ 受影响户数 / households affected' })
  'households-affected'!: HouseholdsRuleSchema;
  @ApiProperty({ type: RecurringRuleSchema, description: '④ 反复发生问题 / recurring problem' })
  recurring!: RecurringRuleSchema;
  @ApiProperty({ type: EmergencyFloorRuleSchema, name: 'emergency-floor', description: '⑤ 应急处置最低级别 / emergency floor' })
  'emergency-floor'!: EmergencyFloorRuleSchema;
}

class PublishedBySchema {
  @ApiProperty({ example: 'command-center' })
  role!: string;
  @ApiProperty({ nullable: true, type: String, example: null })
  org!: string | null;
  @ApiProperty({ example: 'zhang.wei' })
  sub!: string;
}

export class TriagePolicyResponse {
  @ApiProperty({ example: 2, description: '策略版本；1 为合同默认策略（内置）/ policy version; 1 is the built-in default' })
  version!: number;
  @ApiProperty({ type: SlaSchema })
  sla!: SlaSchema;
  @ApiProperty({ type: TriageRulesSchema })
  rules!: TriageRulesSchema;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date-time', example: '2026-11-25T08:00:00.000Z', description: '发布时间；此后吹哨的哨件按此版本分级；v1 为 null / published at; null for v1' })
  publishedAt!: string | null;
  @ApiPropertyOptional({ nullable: true, type: PublishedBySchema, description: '发布人；v1 为 null / who published it; null for v1' })
  publishedBy!: PublishedBySchema | null;
}

export class TriagePolicyListResponse {
  @ApiProperty({ type: [TriagePolicyResponse] })
  versions!: TriagePolicyResponse[];
}
