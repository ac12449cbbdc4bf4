import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { cleanTextInput } from '@chuishao/contracts';
import { IsIn, IsNotEmpty, IsString, IsUUID, MaxLength } from 'class-validator';

/** POST /api/v1/assignments/{id}/extension-decision (command-center; contract §11). */
export class ExtensionDecisionRequestDto {
  @ApiProperty({ format: 'uuid', description: '延期申请编号 / the request decided' })
  @IsUUID()
  requestId!: string;

  @ApiProperty({ enum: ['APPROVE', 'DENY'], example: 'APPROVE', description: 'APPROVE 批准（时限改为申请的时间）/ DENY 不批准' })
  @IsString()
  @IsIn(['APPROVE', 'DENY'])
  decision!: 'APPROVE' | 'DENY';

  @ApiProperty({ example: '情况属实，同意延期', maxLength: 2000, description: '理由（必填；先去首尾空白并 NFC 规范化）/ reason, required (trimmed and NFC-normalised first)' })
  @Transform(({ value }) => cleanTextInput(value))
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  reason!: string;
}
