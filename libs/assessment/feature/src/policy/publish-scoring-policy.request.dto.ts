import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Allow, IsOptional, IsString, Matches } from 'class-validator';
import { PERIOD_MESSAGE, PERIOD_PATTERN } from '../ratings/rate-department.request.dto';

/**
 * POST /api/v1/assessment/policy (contract §12). The policy is checked as a whole by the domain
 * (validateScoringPolicy → 422 with field errors). A GET answer can be edited and posted back:
 * `publishedAt` is read-only and ignored. Every field left out takes the contract's default.
 */
export class PublishScoringPolicyRequestDto {
  @ApiPropertyOptional({ type: 'integer', example: 2, description: '可选：必须等于当前最新版本 + 1，否则 409 / optional: must be the latest version + 1, else 409' })
  @Allow()
  version?: unknown;

  @ApiProperty({ type: String, example: '2027-Q1', description: '从该考核期起生效（必须尚未开始）；每个考核期按其开始时生效的版本计分 / applies from this period on (not started yet)' })
  @Allow()
  effectiveFrom!: unknown;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, example: { completion: '0.5', satisfaction: '0.2', perception: '0.3' }, description: '权重，之和必须为 1 / weights summing to 1' })
  @Allow()
  weights?: unknown;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, example: { onTime: '1', late: '0.5', missed: '0' }, description: '每件计分（0..1，按时 ≥ 逾期办结 ≥ 超期未办）/ credits' })
  @Allow()
  credits?: unknown;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'number' }, example: { SATISFIED: 100, BASICALLY_SATISFIED: 80, DISSATISFIED: 0 } })
  @Allow()
  feedbackScores?: unknown;

  @ApiPropertyOptional({ type: 'array', items: { type: 'object', additionalProperties: { type: 'string' } }, example: [{ grade: 'EXCELLENT', min: '90', name: '优秀' }, { grade: 'GOOD', min: '75', name: '良好' }], description: '等级下限 / grade thresholds' })
  @Allow()
  grades?: unknown;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, readOnly: true, description: '固定为一般 / fixed: AVERAGE 一般' })
  @Allow()
  otherwise?: unknown;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, example: { mode: 'HALF_UP', decimals: 2 } })
  @Allow()
  rounding?: unknown;

  @ApiPropertyOptional({ type: 'integer', example: 5, description: '计入件数少于此数不排名（样本不足），默认 5 / fewer counted assignments: no rank' })
  @Allow()
  minimumSample?: unknown;

  @ApiPropertyOptional({ type: 'integer', example: 10, description: '考核期关闭后可申诉的天数，默认 10 / days to appeal after the closing' })
  @Allow()
  appealWindowDays?: unknown;

  @ApiPropertyOptional({ type: 'integer', example: 2, description: '每个派单可获批的延期次数上限，默认 2 / extensions per assignment' })
  @Allow()
  extensionCap?: unknown;

  @ApiPropertyOptional({ type: String, example: '0.30', description: '本考核在部门年度绩效中的占比，默认 0.30 / share of the annual performance grade' })
  @Allow()
  annualShare?: unknown;

  @ApiPropertyOptional({ type: String, enum: ['QUARTERS', 'MONTHS'], example: 'QUARTERS', description: '年度得分由季度还是月度合成，默认 QUARTERS / the annual grade from quarters or months' })
  @Allow()
  annualFrom?: unknown;

  @ApiPropertyOptional({ type: String, format: 'date-time', readOnly: true, description: '只读，忽略 / read-only, ignored' })
  @Allow()
  publishedAt?: unknown;
}

export class ScoringPolicyQueryDto {
  @ApiPropertyOptional({ example: '2027-Q1', description: '该考核期按哪一版计分（默认：现行版本）/ the version that scores this period (default: in force now)' })
  @IsOptional()
  @IsString()
  @Matches(PERIOD_PATTERN, { message: PERIOD_MESSAGE })
  period?: string;
}
