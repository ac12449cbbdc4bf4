import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Matches, Max, Min } from 'class-validator';
import { PERIOD_MESSAGE, PERIOD_PATTERN } from '../ratings/rate-department.request.dto';

export class ScorecardsQueryDto {
  @ApiProperty({ example: '2026-Q3', description: '考核期 / period: 2026, 2026-Q3, 2026-09' })
  @IsString()
  @Matches(PERIOD_PATTERN, { message: PERIOD_MESSAGE })
  period!: string;

  @ApiPropertyOptional({ example: '2026-10-08T09:00:00+08:00', description: '计算时点（默认现在；已关闭的考核期默认且最晚为关闭时点）/ as of' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'asOf 必须是带时区的 ISO 8601 时间 / asOf must be an ISO 8601 time' })
  asOf?: string;

  @ApiPropertyOptional({ enum: ['json', 'csv', 'xlsx'], default: 'json' })
  @IsOptional()
  @IsIn(['json', 'csv', 'xlsx'])
  format?: 'json' | 'csv' | 'xlsx';

  @ApiPropertyOptional({ enum: ['true', 'false'], default: 'true', description: '是否列出扣分说明；false 只返回分数（大数据量时的排行榜）/ list the explanations; false = numbers only' })
  @IsOptional()
  @IsIn(['true', 'false'])
  explain?: 'true' | 'false';

  @ApiPropertyOptional({
    format: 'uuid',
    example: '90c4452e-f2b5-5aac-a8a9-3515eb0a3e2d',
    description: '只列出该部门的扣分说明（各部门分数与排名照常）/ explanations of this department only; every department is still scored and ranked',
  })
  @IsOptional()
  @IsUUID('all', { message: 'departmentId 必须是部门 UUID / departmentId must be a department UUID' })
  departmentId?: string;

  @ApiPropertyOptional({
    example: 2,
    description:
      '已关闭考核期的考核表版本：1 为关闭时的版本，关闭后每一次申诉成立生成新的修订版本（2、3…），各版本永不改变；默认最新版本。不能与 asOf 同用 / a version of a closed period’s scorecard (1: at the closing; 2, 3…: amended after upheld appeals); default the latest; not with asOf',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'version 必须是正整数 / version must be a positive integer' })
  @Min(1)
  @Max(1000000)
  version?: number;
}

export class ScorecardVersionsQueryDto {
  @ApiProperty({ example: '2026-Q3' })
  @IsString()
  @Matches(PERIOD_PATTERN, { message: PERIOD_MESSAGE })
  period!: string;
}
