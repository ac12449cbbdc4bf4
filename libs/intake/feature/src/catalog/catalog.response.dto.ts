import { ApiProperty } from '@nestjs/swagger';

class AreaDto {
  @ApiProperty({ example: 'EMERGENCY', enum: ['CONFLICT_SCREENING', 'PUBLIC_SERVICE', 'JOINT_ENFORCEMENT', 'KEY_WORK', 'EMERGENCY'] })
  code!: string;
  @ApiProperty({ example: '应急处置' })
  name!: string;
  @ApiProperty({ example: 'Emergency response' })
  nameEn!: string;
}

class SituationDto {
  @ApiProperty({ example: 'FIRE_LANE_BLOCKED', description: '稳定编码 / stable code' })
  code!: string;
  @ApiProperty({ example: 'EMERGENCY' })
  area!: string;
  @ApiProperty({ example: '消防通道被占用' })
  name!: string;
  @ApiProperty({ example: 'Fire lane blocked' })
  nameEn!: string;
  @ApiProperty({ example: 'RED', enum: ['RED', 'YELLOW', 'BLUE'] })
  defaultLevel!: string;
  @ApiProperty({ format: 'uuid', example: '90c4452e-f2b5-5aac-a8a9-3515eb0a3e2d', description: '牵头部门 id / lead department id' })
  leadDepartment!: string;
  @ApiProperty({ type: [String], description: '协办部门 id / assisting department ids' })
  assistDepartments!: string[];
}

class DepartmentDto {
  @ApiProperty({ format: 'uuid', example: '90c4452e-f2b5-5aac-a8a9-3515eb0a3e2d' })
  id!: string;
  @ApiProperty({ example: '和平区消防救援支队' })
  name!: string;
  @ApiProperty({ example: 'Heping District Fire and Rescue Detachment' })
  nameEn!: string;
}

class CommunityDto {
  @ApiProperty({ format: 'uuid', example: '39753009-96c5-53f8-a60e-d9f5e47bf649' })
  id!: string;
  @ApiProperty({ example: '静园社区' })
  name!: string;
}

class StreetDto {
  @ApiProperty({ format: 'uuid', example: 'cdd804c6-dc1e-512e-a6f6-f2f1f0cdba2b' })
  id!: string;
  @ApiProperty({ example: '劝业场街道' })
  name!: string;
  @ApiProperty({ example: 'Quanyechang Subdistrict' })
  nameEn!: string;
  @ApiProperty({ type: [CommunityDto] })
  communities!: CommunityDto[];
}

class SlaDto {
  @ApiProperty({ example: 'PT15M', description: '报到时限（自派单起）/ report within (from dispatch)' })
  report!: string;
  @ApiProperty({ example: 'PT30M', description: '到场时限 / arrive within' })
  arrive!: string;
  @ApiProperty({ example: 'PT24H', description: '办结时限 / complete within' })
  complete!: string;
}

class LevelDto {
  @ApiProperty({ example: 'RED', enum: ['RED', 'YELLOW', 'BLUE'] })
  code!: string;
  @ApiProperty({ example: '红色' })
  name!: string;
  @ApiProperty({ example: 'Red' })
  nameEn!: string;
  @ApiProperty({ type: SlaDto })
  sla!: SlaDto;
  @ApiProperty({ example: 1, description: '现行分级策略版本 / version of the triage policy in force' })
  policyVersion!: number;
}

/** GET /api/v1/catalog (contract §1). */
export class CatalogResponseDto {
  @ApiProperty({ type: [AreaDto] })
  areas!: AreaDto[];
  @ApiProperty({ type: [SituationDto] })
  situations!: SituationDto[];
  @ApiProperty({ type: [DepartmentDto] })
  departments!: DepartmentDto[];
  @ApiProperty({ type: [StreetDto] })
  streets!: StreetDto[];
  @ApiProperty({ type: [LevelDto] })
  levels!: LevelDto[];
}
