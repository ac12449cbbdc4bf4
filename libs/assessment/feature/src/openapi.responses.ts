import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { PublishScoringPolicyRequestDto } from './policy/publish-scoring-policy.request.dto';
import { AppealResponseDto } from './appeals/appeal.response.dto';

/** Response shapes of assessment's routes that return plain objects, for the OpenAPI document. */

class DeductionDto {
  @ApiProperty({ example: 5, minimum: 1, maximum: 100 }) points!: number;
  @ApiProperty({ example: '报到超时两次 / reported late twice' }) reason!: string;
}

@ApiSchema({ name: 'StreetRating' })
export class StreetRatingResponseDto {
  @ApiProperty({ format: 'uuid', example: 'cdd804c6-dc1e-512e-a6f6-f2f1f0cdba2b' }) streetId!: string;
  @ApiProperty({ format: 'uuid', example: '90c4452e-f2b5-5aac-a8a9-3515eb0a3e2d' }) departmentId!: string;
  @ApiProperty({ example: '2026-Q3' }) period!: string;
  @ApiProperty({ type: [DeductionDto] }) deductions!: DeductionDto[];
  @ApiProperty({ example: 95, minimum: 0, maximum: 100 }) score!: number;
  @ApiProperty({ type: String, nullable: true, example: null }) comment!: string | null;
  @ApiProperty({ example: 1, minimum: 1, description: '修订号（最新的计分）/ revision, the latest counts' }) revision!: number;
  @ApiProperty({ format: 'uuid', example: '6f1d0c55-2f6c-4b8e-9d4a-1c1c6a0b7e11' }) eventId!: string;
  @ApiProperty({ format: 'date-time', example: '2026-10-08T09:00:00.000Z' }) ratedAt!: string;
}

@ApiSchema({ name: 'StreetRatingListItem' })
class StreetRatingListItemDto extends StreetRatingResponseDto {
  @ApiProperty({ example: 2, description: '修订次数 / revisions so far' }) revisions!: number;
}

@ApiSchema({ name: 'StreetRatingList' })
export class StreetRatingListResponseDto {
  @ApiProperty({ example: '2026-Q3' }) period!: string;
  @ApiProperty({ type: [StreetRatingListItemDto] }) items!: StreetRatingListItemDto[];
}

@ApiSchema({ name: 'PeriodClosed' })
export class PeriodClosedResponseDto {
  @ApiProperty({ example: '2026-Q3' }) period!: string;
  @ApiProperty({ format: 'date-time', example: '2026-10-10T09:00:00.000Z' }) closedAt!: string;
  @ApiProperty({ format: 'uuid', example: '6f1d0c55-2f6c-4b8e-9d4a-1c1c6a0b7e11' }) eventId!: string;
}

class ScorecardVersionDto {
  @ApiProperty({ example: 1 }) version!: number;
  @ApiProperty({ format: 'date-time', example: '2026-10-10T09:00:00.000Z' }) asOf!: string;
  @ApiProperty({ format: 'date-time', example: '2026-10-10T09:00:00.000Z' }) appealsAsOf!: string;
  @ApiProperty({ example: 1 }) policyVersion!: number;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, example: null, description: '因哪一申诉而修订 / the appeal that amended it' }) amendedBy!: string | null;
  @ApiProperty({ format: 'date-time', example: '2026-10-10T09:00:00.000Z' }) createdAt!: string;
}

@ApiSchema({ name: 'ScorecardVersions' })
export class ScorecardVersionsResponseDto {
  @ApiProperty({ example: '2026-Q3' }) period!: string;
  @ApiProperty({ type: [ScorecardVersionDto] }) items!: ScorecardVersionDto[];
}

/** A version of the scoring policy as GET answers it (it can be edited and posted back). */
@ApiSchema({ name: 'ScoringPolicy' })
export class ScoringPolicyResponseDto extends PublishScoringPolicyRequestDto {}

@ApiSchema({ name: 'ScoringPolicyVersions' })
export class ScoringPolicyVersionsResponseDto {
  @ApiProperty({ type: [ScoringPolicyResponseDto] }) items!: ScoringPolicyResponseDto[];
}

@ApiSchema({ name: 'AppealDecision' })
export class AppealDecisionResponseDto extends AppealResponseDto {
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true }, example: [{ period: '2026-Q3', version: 2 }], description: '已关闭考核期的新考核表版本 / new scorecard versions of closed periods' })
  amendedVersions!: Array<Record<string, unknown>>;
}

@ApiSchema({ name: 'AppealList' })
export class AppealListResponseDto {
  @ApiProperty({ type: [AppealResponseDto] }) items!: AppealResponseDto[];
}

const counts = (key: string, example: Record<string, unknown>) => ({
  type: 'array' as const,
  items: { type: 'object' as const, properties: { [key]: { type: 'string' as const }, count: { type: 'integer' as const } }, additionalProperties: true },
  example: [example],
});

@ApiSchema({ name: 'AnalyticsSummary' })
export class AnalyticsSummaryResponseDto {
  @ApiProperty({ format: 'date-time', example: '2026-09-01T00:00:00+08:00' }) from!: string;
  @ApiProperty({ format: 'date-time', example: '2026-10-01T00:00:00+08:00' }) to!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, example: null }) streetId!: string | null;
  @ApiProperty({ example: 'Asia/Shanghai' }) timeZone!: string;
  @ApiProperty({ example: 120 }) total!: number;
  @ApiProperty(counts('code', { code: 'EMERGENCY', name: '应急处置', count: 12 })) byArea!: unknown[];
  @ApiProperty(counts('code', { code: 'FIRE_LANE_BLOCKED', name: '消防通道堵塞', count: 7 })) bySituation!: unknown[];
  @ApiProperty(counts('level', { level: 'RED', count: 9 })) byLevel!: unknown[];
  @ApiProperty(counts('status', { status: 'RESOLVED', count: 80 })) byStatus!: unknown[];
  @ApiProperty({
    type: 'array',
    items: { type: 'object', additionalProperties: true },
    description: '每个部门：派单数、超期数、超期率，报到/到场/办结用时的 p50/p90（秒）/ per department: assignments, overdue, p50/p90 seconds to report, arrive, complete',
    example: [{ departmentId: '90c4452e-f2b5-5aac-a8a9-3515eb0a3e2d', name: '和平区消防救援支队', assignments: 10, overdue: 1, overdueRate: 0.1, report: { p50: 300, p90: 800 }, arrive: { p50: 1200, p90: 1700 }, complete: { p50: 7200, p90: 36000 } }],
  })
  departments!: unknown[];
  @ApiPropertyOptional({ type: Number, nullable: true, example: 0.05 }) overdueRate!: number | null;
  @ApiProperty(counts('address', { address: '和平区劝业场街道福缘里3号楼', count: 3 })) recurringLocations!: unknown[];
  @ApiProperty(counts('week', { week: '2026-W37', count: 30 })) weeklyTrend!: unknown[];
  @ApiProperty(counts('streetId', { streetId: 'cdd804c6-dc1e-512e-a6f6-f2f1f0cdba2b', name: '劝业场街道', count: 20 })) perStreet!: unknown[];
}
