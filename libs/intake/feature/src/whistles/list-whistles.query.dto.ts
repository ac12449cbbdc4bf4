import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsISO8601, IsOptional, IsUUID } from 'class-validator';
import { CursorPageQueryDto } from '@chuishao/platform';

export const WHISTLE_STATUSES = ['BLOWN', 'TRIAGED', 'DISPATCHED', 'IN_PROGRESS', 'COMPLETED', 'RESOLVED', 'REOPENED', 'WITHDRAWN'] as const;
export const LEVEL_CODES = ['RED', 'YELLOW', 'BLUE'] as const;

/** `status=A,B` or `status=A&status=B` → ['A', 'B']. */
const list = ({ value }: { value: unknown }) =>
  Array.isArray(value) ? value.flatMap((v) => String(v).split(',')) : typeof value === 'string' ? value.split(',') : value;

/** GET /api/v1/whistles query (contract §2). */
export class ListWhistlesQueryDto extends CursorPageQueryDto {
  @ApiPropertyOptional({ description: '状态，可逗号分隔多个 / status, comma-separated for several', example: 'DISPATCHED,IN_PROGRESS', type: String })
  @IsOptional()
  @Transform(list)
  @IsArray()
  @ArrayMaxSize(8)
  @IsIn(WHISTLE_STATUSES, { each: true })
  status?: string[];

  @ApiPropertyOptional({ description: '等级，可逗号分隔 / level, comma-separated', example: 'RED', type: String })
  @IsOptional()
  @Transform(list)
  @IsArray()
  @ArrayMaxSize(3)
  @IsIn(LEVEL_CODES, { each: true })
  level?: string[];

  @ApiPropertyOptional({ format: 'uuid', description: '街道 id（街道角色只能查本街道）/ street id (a street sees only its own)' })
  @IsOptional()
  @IsUUID()
  streetId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: '被派单的部门 id（部门角色只能查本部门）/ assigned department (a department sees only its own)' })
  @IsOptional()
  @IsUUID()
  departmentId?: string;

  @ApiPropertyOptional({ example: '2026-11-01T00:00:00+08:00', description: '吹哨时间起（含）/ blown at or after' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ example: '2026-12-01T00:00:00+08:00', description: '吹哨时间止（不含）/ blown before' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
}
