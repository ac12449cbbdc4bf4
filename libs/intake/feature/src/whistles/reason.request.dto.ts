import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { cleanTextInput } from '@chuishao/contracts';

/** POST /api/v1/whistles/{id}/withdraw and /reopen: the street's reason, required. */
export class WithdrawWhistleRequestDto {
  @ApiProperty({ example: '经社区调解，居民已自行协商解决，无需部门到场', maxLength: 1000, description: '撤回理由（必填；先去首尾空白并 NFC 规范化，全是空白即为空）/ reason (required; trimmed and NFC-normalised first: blanks are empty)' })
  @Transform(({ value }) => cleanTextInput(value))
  @IsString()
  @IsNotEmpty()
  @MaxLength(1000)
  reason!: string;
}

export class ReopenWhistleRequestDto {
  @ApiProperty({ example: '早餐车晚上又停回了消防通道，液化气罐仍未移走', maxLength: 1000, description: '退回重办理由（必填；先去首尾空白并 NFC 规范化）/ reason (required; trimmed and NFC-normalised first)' })
  @Transform(({ value }) => cleanTextInput(value))
  @IsString()
  @IsNotEmpty()
  @MaxLength(1000)
  reason!: string;
}
