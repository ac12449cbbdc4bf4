import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';

export const ASSIGNMENT_STATUSES = ['SUMMONED', 'REPORTED', 'ARRIVED', 'IN_PROGRESS', 'DISPUTED', 'COMPLETED', 'CANCELLED', 'REASSIGNED'] as const;

/** GET /api/v1/assignments?departmentId=&status= */
export class ListAssignmentsQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: '部门（部门角色只能看本部门，强制）/ department (forced to your own for the department role)' })
  @IsOptional()
  @IsUUID()
  departmentId?: string;

  @ApiPropertyOptional({ enum: ASSIGNMENT_STATUSES })
  @IsOptional()
  @IsIn(ASSIGNMENT_STATUSES)
  status?: (typeof ASSIGNMENT_STATUSES)[number];
}
