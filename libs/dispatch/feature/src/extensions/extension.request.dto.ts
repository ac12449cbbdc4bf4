import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { cleanTextInput } from '@chuishao/contracts';
import { EXTENSION_KINDS, type ExtensionKind } from '@chuishao/dispatch-contracts';
import { IsIn, IsISO8601, IsNotEmpty, IsObject, IsOptional, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';
import { ReplyByDto } from '../assignments/reply.request.dto';

/**
 * POST /api/v1/assignments/{id}/extension (department, own assignment; contract §11): the fields
 * of a reply of type EXTENSION. The reason is trimmed and NFC-normalised first (spaces alone → 422).
 */
export class ExtensionRequestDto {
  @ApiProperty({ enum: EXTENSION_KINDS, example: 'COMPLETE', description: 'ARRIVE 到场时限 / COMPLETE 办结时限（报到时限不可延期 / the report deadline is never extended）' })
  @IsString()
  @IsIn(EXTENSION_KINDS)
  kind!: ExtensionKind;

  @ApiProperty({ example: '2026-11-27T18:00:00+08:00', description: '申请延期至（带时区的 ISO 8601，须晚于现行时限且在未来）/ the new deadline asked for: after the one in force, in the future' })
  @IsString()
  @IsISO8601({ strict: true, strictSeparator: true })
  @Matches(/(Z|[+-]\d{2}:?\d{2})$/, { message: 'until must carry an offset (Z or +08:00)' })
  until!: string;

  @ApiProperty({ example: '燃气管道需燃气公司停气后更换，预计 11 月 27 日下午完成', maxLength: 2000, description: '延期理由（必填）/ why more time is needed (required)' })
  @Transform(({ value }) => cleanTextInput(value))
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  reason!: string;

  @ApiPropertyOptional({ maxLength: 128, description: '回复幂等键；缺省时取 Idempotency-Key 请求头 / idempotency key (else the Idempotency-Key header)' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  @Matches(/^[\x21-\x7e]+$/, { message: 'replyId must be printable ASCII without spaces' })
  replyId?: string;

  @ApiPropertyOptional({ example: '2026-11-25T16:05:00+08:00', description: '部门自报的时间（保留）/ the department’s own claim of when it asked' })
  @IsOptional()
  @IsISO8601({ strict: true })
  at?: string;

  @ApiPropertyOptional({ type: ReplyByDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ReplyByDto)
  by?: ReplyByDto;
}
