import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';

const RATINGS = ['SATISFIED', 'BASICALLY_SATISFIED', 'DISSATISFIED'] as const;

/** POST /api/v1/feedback/{token} (contract §5). */
export class GiveFeedbackRequestDto {
  @ApiProperty({ enum: RATINGS, example: 'SATISFIED', description: '满意 100 / 基本满意 80 / 不满意 0 — SATISFIED 100, BASICALLY_SATISFIED 80, DISSATISFIED 0' })
  @IsString()
  @IsIn(RATINGS)
  rating!: (typeof RATINGS)[number];

  @ApiPropertyOptional({ example: '消防通道已经清理干净，早餐车也不再停放了，谢谢！', maxLength: 1000 })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  comment?: string;
}
