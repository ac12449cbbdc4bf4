import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { ASSIGNMENT_STATUSES, LEVELS } from '@chuishao/contracts';
import { WHISTLE_STATUSES } from '../whistles/list-whistles.query.dto';

/**
 * The shapes of intake's public answers (公示公开, contract §13; the controller sends plain JSON),
 * for the OpenAPI document. The whistle is {@link PublicWhistle} of @chuishao/intake-domain.
 */

const at = (example: string | null, description?: string) => ({ type: String, format: 'date-time', nullable: true, example, description }) as const;

@ApiSchema({ name: 'PublicCodeName' })
class PublicCodeNameDto {
  @ApiProperty({ example: 'FIRE_LANE_BLOCKED' }) code!: string;
  @ApiProperty({ example: '消防通道堵塞及燃气罐安全隐患' }) name!: string;
  @ApiProperty({ example: 'Blocked fire lane and gas-cylinder hazard' }) nameEn!: string;
}

@ApiSchema({ name: 'PublicStreetRef' })
class PublicStreetRefDto {
  @ApiProperty({ format: 'uuid', example: 'cdd804c6-dc1e-512e-a6f6-f2f1f0cdba2b' }) id!: string;
  @ApiProperty({ example: '劝业场街道' }) name!: string;
  @ApiProperty({ example: 'Quanyechang Subdistrict' }) nameEn!: string;
}

@ApiSchema({ name: 'PublicCommunityRef' })
class PublicCommunityRefDto {
  @ApiProperty({ format: 'uuid', example: '39753009-96c5-53f8-a60e-d9f5e47bf649' }) id!: string;
  @ApiProperty({ example: '静园社区' }) name!: string;
}

@ApiSchema({ name: 'PublicWhistleDepartment' })
class PublicWhistleDepartmentDto {
  @ApiProperty({ format: 'uuid', example: '90c4452e-f2b5-5aac-a8a9-3515eb0a3e2d' }) id!: string;
  @ApiProperty({ example: '和平区消防救援支队' }) name!: string;
  @ApiProperty({ example: 'Heping District Fire and Rescue Detachment' }) nameEn!: string;
  @ApiProperty({ enum: ['LEAD', 'ASSIST'], example: 'LEAD' }) role!: string;
  @ApiProperty({ enum: ASSIGNMENT_STATUSES, example: 'ARRIVED' }) status!: string;
  @ApiProperty({ format: 'date-time', example: '2026-11-25T08:31:00.000Z' }) summonedAt!: string;
  @ApiProperty(at('2026-11-25T08:40:00.000Z')) reportedAt!: string | null;
  @ApiProperty(at('2026-11-25T08:58:00.000Z')) arrivedAt!: string | null;
  @ApiProperty(at(null)) completedAt!: string | null;
}

@ApiSchema({ name: 'PublicWhistleDeadlines' })
class PublicWhistleDeadlinesDto {
  @ApiProperty(at('2026-11-25T08:45:00.000Z', '报到时限 / report by')) reportBy!: string | null;
  @ApiProperty(at('2026-11-25T09:00:00.000Z', '到场时限 / arrive by')) arriveBy!: string | null;
  @ApiProperty(at('2026-11-26T08:30:00.000Z', '办结时限 / complete by')) completeBy!: string | null;
}

/** A whistle as the public sees it: an allow-list, nothing typed by a person (docs/public.md). */
@ApiSchema({ name: 'PublicWhistle' })
export class PublicWhistleDto {
  @ApiProperty({ format: 'uuid', example: '2b7c1f0e-8a55-4a3e-9a43-4c8f5f0f6a01' }) id!: string;
  @ApiProperty({ example: '消防通道堵塞及燃气罐安全隐患', description: '情形名称（不是街道填写的标题）/ the situation’s name, never the street’s own title' }) title!: string;
  @ApiProperty({ type: PublicCodeNameDto, description: '情形 / situation' }) situation!: PublicCodeNameDto;
  @ApiProperty({ type: PublicCodeNameDto, description: '领域 / area', example: { code: 'JOINT_ENFORCEMENT', name: '综合执法', nameEn: 'Comprehensive law enforcement' } }) area!: PublicCodeNameDto;
  @ApiProperty({ enum: LEVELS, example: 'RED' }) level!: string;
  @ApiProperty({ enum: WHISTLE_STATUSES.filter((s) => s !== 'BLOWN'), example: 'IN_PROGRESS' }) status!: string;
  @ApiProperty({ enum: ['DONE', 'IN_PROGRESS', 'LATE', 'WITHDRAWN'], example: 'IN_PROGRESS', description: '看板颜色：DONE 绿、IN_PROGRESS 黄、LATE 红、WITHDRAWN 灰 / board colour: green, yellow, red, grey' }) progress!: string;
  @ApiProperty({ type: PublicStreetRefDto }) street!: PublicStreetRefDto;
  @ApiProperty({ type: PublicCommunityRefDto, nullable: true, description: '社区（最细的位置）；无或不属该街道为 null / the community, the finest location; null when none' }) community!: PublicCommunityRefDto | null;
  @ApiProperty({ type: [PublicWhistleDepartmentDto] }) departments!: PublicWhistleDepartmentDto[];
  @ApiProperty({ type: PublicWhistleDeadlinesDto }) deadlines!: PublicWhistleDeadlinesDto;
  @ApiProperty({ format: 'date-time', example: '2026-11-25T08:29:58.120Z' }) createdAt!: string;
  @ApiProperty({ format: 'date-time', example: '2026-11-25T08:58:00.000Z' }) updatedAt!: string;
}

@ApiSchema({ name: 'PublicWhistleList' })
export class PublicWhistleListDto {
  @ApiProperty({ type: [PublicWhistleDto] }) items!: PublicWhistleDto[];
  @ApiProperty({ type: String, nullable: true, example: null, description: '下一页的 cursor；没有更多为 null / the cursor of the next page; null at the end' }) nextCursor!: string | null;
}
