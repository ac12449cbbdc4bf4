import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsString, Matches } from 'class-validator';

export class AnnualQueryDto {
  @ApiProperty({ example: '2026', description: '年度 / year' })
  @IsString()
  @Matches(/^\d{4}$/, { message: 'year 应为四位年份，如 2026 / year must look like 2026' })
  year!: string;

  @ApiPropertyOptional({ example: '2027-01-05T09:00:00+08:00', description: '计算时点（默认现在；各期已关闭的冻结在关闭时点）/ as of' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'asOf 必须是带时区的 ISO 8601 时间 / asOf must be an ISO 8601 time' })
  asOf?: string;

  @ApiPropertyOptional({ enum: ['json', 'csv', 'xlsx'], default: 'json' })
  @IsOptional()
  @IsIn(['json', 'csv', 'xlsx'])
  format?: 'json' | 'csv' | 'xlsx';
}
