import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** OpenAPI only: the JSON scorecard (contract §7, §12), as ScorecardRenderer writes it. */
class ScorecardCompletionDto {
  @ApiProperty({ nullable: true, example: 87.5, type: Number, description: '完成度 = 100 × Σ得分 / 计入件数；无计入件为 null' }) score!: number | null;
  @ApiProperty({ example: 12, description: '计入件数 = onTime + late + missed（minimumSample 据此判断样本是否足够）' }) counted!: number;
  @ApiProperty({ example: 10 }) onTime!: number;
  @ApiProperty({ example: 1 }) late!: number;
  @ApiProperty({ example: 1 }) missed!: number;
  @ApiProperty({
    example: 3,
    description:
      '不计入：未到期且未办结、退单成立、随哨件关闭（哨件确认或撤回时仍未办结且未到期）/ excluded: open and not yet due, dispute upheld, closed with the whistle (open and not yet due at its confirmation or withdrawal)',
  })
  excluded!: number;
}

class ScorecardSatisfactionDto {
  @ApiProperty({ nullable: true, type: Number, example: 93.33 }) score!: number | null;
  @ApiProperty({ example: 3 }) responses!: number;
}

class ScorecardPerceptionDto {
  @ApiProperty({ nullable: true, type: Number, example: 88.5 }) score!: number | null;
  @ApiProperty({ example: 2 }) ratings!: number;
}

class ScorecardExplanationDto {
  @ApiProperty({ enum: ['completion', 'satisfaction', 'perception'] }) component!: string;
  @ApiProperty({
    enum: ['LATE', 'MISSED', 'CLOSED', 'FEEDBACK', 'DEDUCTION'],
    description:
      'LATE 逾期办结、MISSED 超期未办、FEEDBACK 群众评价、DEDUCTION 街道扣分：失分项；CLOSED 随哨件关闭：不计入的派单（pointsLost 0）/ lost points, and CLOSED: an assignment closed with the whistle, excluded (no point lost)',
  })
  kind!: string;
  @ApiPropertyOptional({ format: 'uuid' }) whistleId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) assignmentId?: string;
  @ApiPropertyOptional({ description: '办结时限（含退单暂停顺延）/ the complete deadline, as moved by rejected disputes' }) deadline?: string;
  @ApiPropertyOptional({ nullable: true, type: String }) completedAt?: string | null;
  @ApiPropertyOptional({ enum: ['BASICALLY_SATISFIED', 'DISSATISFIED'] }) rating?: string;
  @ApiPropertyOptional({ format: 'uuid', description: '群众评价的 id（FeedbackGiven 事件 id），申诉 SATISFACTION 时用 / what a SATISFACTION appeal names' }) feedbackId?: string;
  @ApiPropertyOptional({ format: 'uuid', description: '街道评分修订的 id（StreetRated 事件 id），申诉 RATING 时用 / what a RATING appeal names' }) ratingId?: string;
  @ApiPropertyOptional({ example: 0, description: '该评分中第几项扣分（从 0 起）/ which deduction of the rating' }) deductionIndex?: number;
  @ApiPropertyOptional({ format: 'uuid', description: '经此申诉恢复（pointsLost 为 0）/ restored on this appeal (pointsLost 0)' }) restoredOnAppeal?: string;
  @ApiPropertyOptional() streetId?: string;
  @ApiPropertyOptional() streetName?: string;
  @ApiPropertyOptional() revision?: number;
  @ApiPropertyOptional() points?: number;
  @ApiPropertyOptional() reason?: string;
  @ApiProperty({ example: 50 }) pointsLost!: number;
  @ApiProperty({ example: 4.17 }) componentImpact!: number;
  @ApiProperty({ example: '哨件 … 逾期办结：办结时限 …，办结于 … / completed late: due …, completed …' }) message!: string;
}

class ScorecardRowDto {
  @ApiProperty({ format: 'uuid' }) departmentId!: string;
  @ApiProperty({ example: '和平区消防救援支队' }) name!: string;
  @ApiProperty({ type: ScorecardCompletionDto }) completion!: ScorecardCompletionDto;
  @ApiProperty({ type: ScorecardSatisfactionDto }) satisfaction!: ScorecardSatisfactionDto;
  @ApiProperty({ type: ScorecardPerceptionDto }) perception!: ScorecardPerceptionDto;
  @ApiProperty({ nullable: true, type: Number, example: 91.25 }) total!: number | null;
  @ApiProperty({ nullable: true, enum: ['EXCELLENT', 'GOOD', 'AVERAGE'] }) grade!: string | null;
  @ApiProperty({
    nullable: true,
    type: Number,
    example: 1,
    description:
      '排名：仅在有总分且计入件数 ≥ 评分办法 minimumSample（默认 5）的部门之间排定，同分同名次（1, 1, 3）；其余为 null / rank among the departments with a total and at least minimumSample counted assignments (ties share a rank); null otherwise',
  })
  rank!: number | null;
  @ApiProperty({
    example: false,
    description: '样本不足：计入件数少于 minimumSample——分数照常给出，不参与排名（rank 为 null）/ fewer counted assignments than minimumSample: numbers given, no rank',
  })
  insufficientSample!: boolean;
  @ApiProperty({ type: [ScorecardExplanationDto] }) explanations!: ScorecardExplanationDto[];
}

export class ScorecardResponseDto {
  @ApiProperty({ example: '2026-Q3' }) period!: string;
  @ApiProperty({ example: 1 }) policyVersion!: number;
  @ApiProperty({ example: '2026-10-01T00:00:00.000+08:00' }) asOf!: string;
  @ApiPropertyOptional({ example: 2, description: '已关闭考核期的已保存版本号（1 为关闭时的版本，之后每次申诉成立一版）；无修订的考核期没有此字段 / stored version of a closed period' }) version?: number;
  @ApiPropertyOptional({ nullable: true, type: String, description: '本版本的生成时间（第 1 版为 null）/ when this version was stored' }) amendedAt?: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'uuid', description: '生成本版本的申诉 / the upheld appeal that made it' }) amendedBy?: string | null;
  @ApiProperty({ type: [ScorecardRowDto], description: '有名次的部门在前（按总分），样本不足的其次，无总分的最后 / ranked rows first, then insufficient samples, then rows without a total' })
  rows!: ScorecardRowDto[];
}
