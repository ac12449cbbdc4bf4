import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { cleanTextInput } from '@chuishao/contracts';
import { ArrayMaxSize, IsArray, IsInt, IsNotEmpty, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';

export const PERIOD_PATTERN = /^\d{4}(-Q[1-4]|-(0[1-9]|1[0-2]))?$/;
export const PERIOD_MESSAGE = '考核期格式应为 2026、2026-Q3 或 2026-09 / period must look like 2026, 2026-Q3 or 2026-09';

class DeductionDto {
  @ApiProperty({ example: 5, minimum: 1, maximum: 100, description: '扣分 / points deducted' })
  @IsInt()
  @Min(1)
  @Max(100)
  points!: number;

  @ApiProperty({ example: '到场不及时，居民等待超过两小时', minLength: 5, maxLength: 500, description: '扣分理由（必填；先去首尾空白并 NFC 规范化，再要求至少 5 个字：五个空格即为空，422）/ reason, required: trimmed and NFC-normalised, then at least 5 characters (five spaces are empty → 422)' })
  @Transform(({ value }) => cleanTextInput(value))
  @IsString()
  @IsNotEmpty({ message: '每一项扣分都必须写明理由 / every deduction needs a reason' })
  @MinLength(5, { message: '扣分理由至少 5 个字 / the reason must be at least 5 characters' })
  @MaxLength(500)
  reason!: string;
}

/** POST /api/v1/street-ratings (contract §6). The street comes from the token. */
export class RateDepartmentRequestDto {
  @ApiProperty({ example: '2026-Q3', description: '考核期：年 2026、季度 2026-Q3、月 2026-09 / period' })
  @IsString()
  @Matches(PERIOD_PATTERN, { message: PERIOD_MESSAGE })
  period!: string;

  @ApiProperty({ format: 'uuid', description: '被评价的区直部门 id（见 /api/v1/catalog）/ department id' })
  @IsUUID('all', { message: '部门 id 必须是 UUID / departmentId must be a UUID' })
  departmentId!: string;

  @ApiProperty({ type: [DeductionDto], description: '扣分项，每项必须写明理由；满分 100 / deductions from 100' })
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => DeductionDto)
  deductions!: DeductionDto[];

  @ApiPropertyOptional({ example: '本季度响应整体及时，个别事项到场偏晚。', maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  comment?: string;
}

export class ListRatingsQueryDto {
  @ApiProperty({ example: '2026-Q3' })
  @IsString()
  @Matches(PERIOD_PATTERN, { message: PERIOD_MESSAGE })
  period!: string;

  @ApiPropertyOptional({ format: 'uuid', description: '街道 id（考核办等可用；街道只能看自己的）/ street id' })
  @IsOptional()
  @IsUUID()
  streetId?: string;
}
