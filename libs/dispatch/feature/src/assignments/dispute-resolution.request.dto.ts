import { cleanTextInput } from '@chuishao/contracts';
import { Transform } from 'class-transformer';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';

/** POST /api/v1/assignments/{id}/dispute-resolution (command-center, contract §4). */
export class DisputeResolutionRequestDto {
  @ApiProperty({ enum: ['UPHOLD', 'REJECT'], example: 'UPHOLD', description: 'UPHOLD 退单成立（改派）/ REJECT 退单不成立（继续办理）' })
  @IsString()
  @IsIn(['UPHOLD', 'REJECT'])
  decision!: 'UPHOLD' | 'REJECT';

  @ApiProperty({ example: '经核实，该事项属市场监管职责', maxLength: 2000, description: '理由（必填；先去首尾空白并 NFC 规范化）/ reason, required (trimmed and NFC-normalised first)' })
  @Transform(({ value }) => cleanTextInput(value))
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  reason!: string;

  @ApiPropertyOptional({ format: 'uuid', description: '改派给的部门；牵头部门退单成立时必填 / new department; required when upholding the LEAD’s dispute' })
  @IsOptional()
  @IsUUID()
  reassignTo?: string;
}
