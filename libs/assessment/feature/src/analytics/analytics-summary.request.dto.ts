import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional, IsUUID } from 'class-validator';

export class AnalyticsSummaryQueryDto {
  @ApiPropertyOptional({ example: '2026-07-01T00:00:00+08:00', description: '起（含），默认 to 前 90 天 / from (inclusive), default 90 days before `to`' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ example: '2026-10-01T00:00:00+08:00', description: '止（不含），默认现在 / to (exclusive), default now' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;

  @ApiPropertyOptional({ format: 'uuid', description: '街道 id；街道角色固定为本街道 / street id (a street always sees its own)' })
  @IsOptional()
  @IsUUID()
  streetId?: string;
}
