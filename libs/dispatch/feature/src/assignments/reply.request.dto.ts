import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { cleanTextInput } from '@chuishao/contracts';
import { IsIn, IsISO8601, IsObject, IsOptional, IsString, IsUUID, Matches, MaxLength, ValidateNested } from 'class-validator';
import { REPLY_TYPES, type ReplyType } from '@chuishao/dispatch-contracts';

export class ReplyByDto {
  @ApiPropertyOptional({ example: '王建国', description: '经办人姓名（个人信息，仅存于事件数据，不进日志）/ who acted (personal data)' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  name?: string;
}

/**
 * POST /api/v1/assignments/{id}/report|arrive|progress|dispute|complete — the fields of a Kafka
 * reply (contract §4); the type comes from the path, the department from the token.
 */
export class ReplyRequestDto {
  @ApiPropertyOptional({
    example: 'fire-2026-000123-report',
    description: '回复幂等键；缺省时取 Idempotency-Key 请求头，再缺省则生成 / idempotency key of the reply (else the Idempotency-Key header, else generated)',
    maxLength: 128,
  })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  @Matches(/^[\x21-\x7e]+$/, { message: 'replyId must be printable ASCII without spaces' })
  replyId?: string;

  @ApiPropertyOptional({ enum: REPLY_TYPES, description: '可省略；若给出须与路径一致 / optional; must match the path if given' })
  @IsOptional()
  @IsString()
  @IsIn(REPLY_TYPES)
  type?: ReplyType;

  @ApiPropertyOptional({ format: 'uuid', description: '可省略；若给出须与路径一致 / optional; must match the path if given' })
  @IsOptional()
  @IsUUID()
  assignmentId?: string;

  @ApiPropertyOptional({ example: '2026-11-25T16:05:00+08:00', description: '部门自报的时间（保留，不用于时限判定）/ the department’s own claim of when it acted' })
  @IsOptional()
  @IsISO8601({ strict: true })
  at?: string;

  @ApiPropertyOptional({ type: ReplyByDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ReplyByDto)
  by?: ReplyByDto;

  @ApiPropertyOptional({ example: '已派两名消防员前往现场', description: '说明；退单（dispute）时必填，为退单理由 / note; required for dispute (the reason)', maxLength: 4000 })
  @IsOptional()
  @Transform(({ value }) => cleanTextInput(value))
  @IsString()
  @MaxLength(4000)
  note?: string;

  @ApiPropertyOptional({ example: '液化气罐已移出通道，早餐车已规范停放', description: '办结结果；办结（complete）时必填 / result; required for complete', maxLength: 4000 })
  @IsOptional()
  @Transform(({ value }) => cleanTextInput(value))
  @IsString()
  @MaxLength(4000)
  result?: string;
}
