import { LEVELS } from '@chuishao/contracts';
import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiBearer } from '@chuishao/platform';
import { DataSource } from 'typeorm';
import { defaultCatalog } from '@chuishao/catalog';
import { Roles } from '@chuishao/auth';
import { TriagePolicyRepository } from './triage-policy.repository';
import { CatalogResponseDto } from './catalog.response.dto';
import { ANY_ROLE_ACCESS, Access } from '@chuishao/auth';

const LEVEL_NAMES = { RED: { name: '红色', nameEn: 'Red' }, YELLOW: { name: '黄色', nameEn: 'Yellow' }, BLUE: { name: '蓝色', nameEn: 'Blue' } } as const;

/** Contract §1: the five areas, 43 situations, departments, streets and levels with the SLA in force. */
@ApiTags('catalog 目录')
@ApiBearer()
@Controller('api/v1/catalog')
export class CatalogHttpController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly policies: TriagePolicyRepository,
  ) {}

  @Get()
  @Access(ANY_ROLE_ACCESS)
  @Roles('street', 'department', 'command-center', 'assessment-office', 'admin')
  @Header('Cache-Control', 'private, max-age=60')
  @ApiOperation({
    summary: '呼叫目录：领域、43 项呼叫情形、部门、街道与社区、红黄蓝等级 / The catalog: areas, the 43 call situations, departments, streets, levels',
    description:
      '等级的时限（报到、到场、办结，ISO 8601 时长）取自现行分级策略（triage 发布的最新版本；在收到之前为合同默认 v1）。' +
      ' / Each level carries the SLA of the triage policy in force (the latest TriagePolicyPublished intake has seen; the contract’s v1 until then).',
  })
  @ApiOkResponse({ type: CatalogResponseDto })
  async get(): Promise<CatalogResponseDto> {
    const c = defaultCatalog();
    const policy = await this.policies.inForce(this.dataSource);
    return {
      areas: c.areas.map((a) => ({ code: a.code, name: a.name, nameEn: a.nameEn })),
      situations: c.situations.map((s) => ({
        code: s.code,
        area: s.area,
        name: s.name,
        nameEn: s.nameEn,
        defaultLevel: s.defaultLevel,
        leadDepartment: s.leadDepartment,
        assistDepartments: [...s.assistDepartments],
      })),
      departments: c.departments.map((d) => ({ id: d.id, name: d.name, nameEn: d.nameEn })),
      streets: c.streets.map((s) => ({ id: s.id, name: s.name, nameEn: s.nameEn, communities: s.communities.map((m) => ({ id: m.id, name: m.name })) })),
      levels: LEVELS.map((code) => ({ code, ...LEVEL_NAMES[code], sla: { ...policy.sla[code] }, policyVersion: policy.version })),
    };
  }
}
