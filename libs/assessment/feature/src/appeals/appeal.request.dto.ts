import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { cleanTextInput } from '@chuishao/contracts';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, IsUrl, IsUUID, Matches, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';
import { PERIOD_MESSAGE, PERIOD_PATTERN } from '../ratings/rate-department.request.dto';

export class AppealTargetDto {
  @ApiProperty({ enum: ['DEADLINE', 'RATING', 'SATISFACTION'], description: 'DEADLINE：逾期或超期未办的派单（assignmentId）；SATISFACTION：群众评价（feedbackId）；RATING：街道扣分（ratingId）' })
  @IsIn(['DEADLINE', 'RATING', 'SATISFACTION'])
  kind!: 'DEADLINE' | 'RATING' | 'SATISFACTION';

  @ApiPropertyOptional({ format: 'uuid', description: 'DEADLINE：考核表说明中的 assignmentId' })
  @IsOptional()
  @IsUUID('all')
  assignmentId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'RATING：考核表说明中的 ratingId（街道评分修订的事件 id）' })
  @IsOptional()
  @IsUUID('all')
  ratingId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'SATISFACTION：考核表说明中的 feedbackId（群众评价事件 id）' })
  @IsOptional()
  @IsUUID('all')
  feedbackId?: string;

  @ApiPropertyOptional({ example: 0, description: '扩展：RATING 申诉只针对该评分的第几项扣分（从 0 起，见说明中的 deductionIndex）；不填则针对全部扣分 / extension: one deduction of the rating' })
  @IsOptional()
  @IsInt()
  @Min(0)
  deductionIndex?: number;
}

/** POST /api/v1/assessment/appeals (contract §11). The department comes from the token. */
export class FileAppealRequestDto {
  @ApiProperty({ example: '2026-Q3', description: '失分所在的考核期 / the period of the lost point' })
  @IsString()
  @Matches(PERIOD_PATTERN, { message: PERIOD_MESSAGE })
  period!: string;

  @ApiProperty({ type: AppealTargetDto })
  @ValidateNested()
  @Type(() => AppealTargetDto)
  target!: AppealTargetDto;

  @ApiProperty({ example: '居民反映的问题已于当日处理完毕，附现场照片', minLength: 5, maxLength: 2000, description: '申诉理由（先去首尾空白并 NFC 规范化，再要求至少 5 个字）/ trimmed and NFC-normalised, then ≥ 5 characters' })
  @Transform(({ value }) => cleanTextInput(value))
  @IsString()
  @IsNotEmpty({ message: '申诉必须写明理由 / an appeal needs a reason' })
  @MinLength(5, { message: '申诉理由至少 5 个字 / the reason must be at least 5 characters' })
  @MaxLength(2000)
  reason!: string;

  @ApiPropertyOptional({ type: [String], example: ['https://evidence.example.org/photo-1.jpg'], description: '证据链接（https，最多 10 个）/ evidence links (https, at most 10)' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @IsUrl({ protocols: ['https'], require_protocol: true, require_tld: false }, { each: true, message: '证据必须是 https 链接 / evidence must be https links' })
  @MaxLength(2048, { each: true })
  evidence?: string[];
}

/** POST /api/v1/assessment/appeals/{id}/decision (contract §11). */
export class DecideAppealRequestDto {
  @ApiProperty({ enum: ['UPHOLD', 'REJECT'], description: 'UPHOLD 申诉成立（恢复该失分）/ REJECT 驳回' })
  @IsIn(['UPHOLD', 'REJECT'])
  decision!: 'UPHOLD' | 'REJECT';

  @ApiProperty({ example: '现场照片证明已按时办结，申诉成立', minLength: 5, maxLength: 2000 })
  @Transform(({ value }) => cleanTextInput(value))
  @IsString()
  @IsNotEmpty({ message: '裁决必须写明理由 / a decision needs a reason' })
  @MinLength(5, { message: '裁决理由至少 5 个字 / the reason must be at least 5 characters' })
  @MaxLength(2000)
  reason!: string;
}

export class ListAppealsQueryDto {
  @ApiPropertyOptional({ example: '2026-Q3' })
  @IsOptional()
  @IsString()
  @Matches(PERIOD_PATTERN, { message: PERIOD_MESSAGE })
  period?: string;

  @ApiPropertyOptional({ enum: ['PENDING', 'UPHELD', 'REJECTED'] })
  @IsOptional()
  @IsIn(['PENDING', 'UPHELD', 'REJECTED'])
  status?: 'PENDING' | 'UPHELD' | 'REJECTED';
}
