import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { PublicWhistleDto } from './public.docs';

/** The shape of GET /api/v1/public/board as the gateway answers it (intake's part + assessment's departments), for the OpenAPI document. */

@ApiSchema({ name: 'PublicProgressCounts' })
class PublicProgressCountsDto {
  @ApiProperty({ example: 12, minimum: 0, description: '已办结（绿）/ done (green)' }) done!: number;
  @ApiProperty({ example: 5, minimum: 0, description: '办理中（黄）/ in progress (yellow)' }) inProgress!: number;
  @ApiProperty({ example: 1, minimum: 0, description: '超期（红）/ late (red)' }) late!: number;
}

@ApiSchema({ name: 'PublicCommunityProgress' })
class PublicCommunityProgressDto extends PublicProgressCountsDto {
  @ApiProperty({ type: String, format: 'uuid', nullable: true, example: '39753009-96c5-53f8-a60e-d9f5e47bf649', description: 'null：未注明社区 / null: no community given' }) id!: string | null;
  @ApiProperty({ example: '静园社区' }) name!: string;
}

@ApiSchema({ name: 'PublicStreetProgress' })
class PublicStreetProgressDto extends PublicProgressCountsDto {
  @ApiProperty({ format: 'uuid', example: 'cdd804c6-dc1e-512e-a6f6-f2f1f0cdba2b' }) id!: string;
  @ApiProperty({ example: '劝业场街道' }) name!: string;
  @ApiProperty({ example: 'Quanyechang Subdistrict' }) nameEn!: string;
  @ApiProperty({ type: [PublicCommunityProgressDto] }) communities!: PublicCommunityProgressDto[];
}

@ApiSchema({ name: 'PublicBoardProgress' })
class PublicBoardProgressDto {
  @ApiProperty({ format: 'date-time', example: '2026-10-26T08:00:00.000Z', description: '统计窗口起点 / the window’s start' }) since!: string;
  @ApiProperty({ example: 30 }) days!: number;
  @ApiProperty({ type: PublicProgressCountsDto }) totals!: PublicProgressCountsDto;
  @ApiProperty({ type: [PublicStreetProgressDto], description: '目录中的每个街道（含零），按目录顺序 / every street of the catalog, zeros included' }) streets!: PublicStreetProgressDto[];
}

@ApiSchema({ name: 'PublicBoardCounts' })
class PublicBoardCountsDto {
  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' }, example: { RED: 3, YELLOW: 7, BLUE: 12 }, description: '未办结哨件按等级 / open whistles by level' })
  byLevel!: Record<string, number>;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer' },
    example: { TRIAGED: 1, DISPATCHED: 4, IN_PROGRESS: 9, COMPLETED: 2, RESOLVED: 40, REOPENED: 0, WITHDRAWN: 3 },
    description: '已分级哨件按状态 / triaged whistles by status',
  })
  byStatus!: Record<string, number>;
}

@ApiSchema({ name: 'PublicBoard' })
export class PublicBoardDto {
  @ApiProperty({ format: 'date-time', example: '2026-11-25T08:00:00.000Z' }) generatedAt!: string;
  @ApiProperty({ type: PublicBoardCountsDto }) counts!: PublicBoardCountsDto;
  @ApiProperty({ type: PublicBoardProgressDto, description: '最近 30 天的绿黄红进度 / green/yellow/red progress over the last 30 days' }) progress!: PublicBoardProgressDto;
  @ApiProperty({ type: [PublicWhistleDto], description: '最新的 20 件（已脱敏）/ the 20 newest, anonymised' }) recent!: PublicWhistleDto[];
  @ApiProperty({
    // assessment's schema (an intake lib cannot name assessment's class); serviceOpenApiDocument adds `type: object`
    allOf: [{ $ref: '#/components/schemas/PublicDepartments' }],
    nullable: true,
    description:
      '网关加入：考核服务 GET /api/v1/public/departments 的答复（上一个已关闭月份的三率）；考核服务未答复时为 null（直接访问 intake 时无此字段）。' +
      ' / Added by the gateway: assessment’s GET /api/v1/public/departments answer (the last closed month’s rates); null when assessment did not answer (absent from intake’s own answer).',
  })
  departments!: Record<string, unknown> | null;
}
