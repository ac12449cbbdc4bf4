import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsUUID } from 'class-validator';
import { CursorPageQueryDto } from '@chuishao/platform';
import { WHISTLE_STATUSES } from '../whistles/list-whistles.query.dto';

/** The statuses a public whistle can have: every status but BLOWN (a whistle is public once triaged). */
export const PUBLIC_STATUSES = WHISTLE_STATUSES.filter((s) => s !== 'BLOWN');

const list = ({ value }: { value: unknown }) =>
  Array.isArray(value) ? value.flatMap((v) => String(v).split(',')) : typeof value === 'string' ? value.split(',') : value;

/** GET /api/v1/public/whistles (contract §13). */
export class PublicWhistlesQueryDto extends CursorPageQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: '街道 id / street id' })
  @IsOptional()
  @IsUUID()
  streetId?: string;

  @ApiPropertyOptional({ description: '状态，可逗号分隔 / status, comma-separated', example: 'IN_PROGRESS,RESOLVED', type: String })
  @IsOptional()
  @Transform(list)
  @IsArray()
  @ArrayMaxSize(7)
  @IsIn(PUBLIC_STATUSES, { each: true })
  status?: string[];
}

/** GET /api/v1/public/feed.atom. */
export class PublicFeedQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: '街道 id；不填为全区 / street id; all streets when absent' })
  @IsOptional()
  @IsUUID()
  streetId?: string;
}
