import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsISO8601, IsNotEmpty, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { cleanTextInput } from '@chuishao/contracts';

/** POST /api/v1/open311-keys (admin). */
export class IssueOpen311KeyRequestDto {
  @ApiProperty({ format: 'uuid', description: '街道 id（目录中的街道）/ street id (a street of the catalog)' })
  @IsUUID()
  streetId!: string;

  @ApiPropertyOptional({ maxLength: 120, example: '劝业场街道网格化平台', description: '用途说明，便于辨认 / what the key is for, to recognise it' })
  @IsOptional()
  @Transform(({ value }) => cleanTextInput(value))
  @IsString()
  @IsNotEmpty()
  @MaxLength(120)
  label?: string;

  @ApiPropertyOptional({ example: '2027-12-31T23:59:59+08:00', description: '到期时间（ISO 8601，带时区，须晚于现在）；不填则长期有效直到吊销 / expiry (ISO 8601 with offset, in the future); none: valid until revoked' })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true })
  expiresAt?: string;
}

/** GET /api/v1/open311-keys?streetId= */
export class ListOpen311KeysQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: '只列出该街道的密钥 / only this street’s keys' })
  @IsOptional()
  @IsUUID()
  streetId?: string;
}
