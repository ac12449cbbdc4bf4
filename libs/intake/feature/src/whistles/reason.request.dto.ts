import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

/** POST /api/v1/whistles/{id}/withdraw and /reopen: the street's reason, required. */
export class WithdrawWhistleRequestDto {
  @ApiProperty({ example: '经社区调解，居民已自行协商解决，无需部门到场', maxLength: 1000, description: '撤回理由（必填）/ reason (required)' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(1000)
  reason!: string;
}

export class ReopenWhistleRequestDto {
  @ApiProperty({ example: '早餐车晚上又停回了消防通道，液化气罐仍未移走', maxLength: 1000, description: '退回重办理由（必填）/ reason (required)' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(1000)
  reason!: string;
}
