import { ApiProperty } from '@nestjs/swagger';

/** A key as lists show it: never the key, never its hash. */
class Open311KeyResponseDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) streetId!: string;
  @ApiProperty({ type: String, nullable: true }) label!: string | null;
  @ApiProperty({ example: 'o311_AbCdEfGh', description: '密钥开头，便于辨认；不能用来调用 / the key’s first characters, to recognise it; not usable' }) prefix!: string;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ description: '签发人（令牌 sub）/ who issued it (token sub)' }) createdBy!: string;
  @ApiProperty({ type: String, nullable: true }) expiresAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) revokedAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) lastUsedAt!: string | null;
}

export class IssuedOpen311KeyResponseDto extends Open311KeyResponseDto {
  @ApiProperty({ example: 'o311_AbCdEfGh…', description: '密钥，仅此一次显示，服务端只保存其 SHA-256 / the key, shown this once; only its SHA-256 is kept' })
  key!: string;
}

export class Open311KeyListResponseDto {
  @ApiProperty({ type: [Open311KeyResponseDto] }) items!: Open311KeyResponseDto[];
}
