import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import { ASSIGNMENT_STATUSES, type AssignmentStatus } from '@chuishao/contracts';

/** GET /api/v1/assignments?departmentId=&status=&whistleId=&cursor=&limit= (newest summons first). */
export class ListAssignmentsQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: '部门（部门角色只能看本部门：缺省即本部门，指定其他部门则 403）/ department (a department sees only its own)' })
  @IsOptional()
  @IsUUID()
  departmentId?: string;

  @ApiPropertyOptional({ enum: ASSIGNMENT_STATUSES })
  @IsOptional()
  @IsIn(ASSIGNMENT_STATUSES)
  status?: AssignmentStatus;

  @ApiPropertyOptional({ format: 'uuid', description: '某一哨件的派单 / the assignments of one whistle' })
  @IsOptional()
  @IsUUID()
  whistleId?: string;

  @ApiPropertyOptional({ description: '上一页返回的 nextCursor（不透明）/ the nextCursor of the previous page (opaque)' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;

  @ApiPropertyOptional({ default: 100, minimum: 1, maximum: 500 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}
