import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';

const EXTENSION_STATUSES = ['PENDING', 'APPROVED', 'DENIED'] as const;

/** GET /api/v1/assignments/extensions?status=&departmentId=&limit= (the command center's queue, oldest first). */
export class ListExtensionsQueryDto {
  @ApiPropertyOptional({ enum: EXTENSION_STATUSES, description: 'PENDING：待审批（只列仍在办理中的派单）/ pending (of assignments still in work only)' })
  @IsOptional()
  @IsIn(EXTENSION_STATUSES)
  status?: (typeof EXTENSION_STATUSES)[number];

  @ApiPropertyOptional({ format: 'uuid', description: '某一部门的申请 / one department’s requests' })
  @IsOptional()
  @IsUUID()
  departmentId?: string;

  @ApiPropertyOptional({ default: 200, minimum: 1, maximum: 500 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}
