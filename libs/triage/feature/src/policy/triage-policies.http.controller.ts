import { Body, Controller, Get, HttpCode, Param, ParseIntPipe, Post, Res } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { CurrentPrincipal, Roles, type Principal } from '@chuishao/auth';
import { ApiBearer, ProblemException } from '@chuishao/platform';
import { PolicyRepository } from './policy.repository';
import { PublishTriagePolicyHandler } from './publish-triage-policy.handler';
import { PublishTriagePolicyRequestDto } from './publish-triage-policy.request.dto';
import { presentPolicy } from './policy.presenter';
import { TriagePolicyListResponse, TriagePolicyResponse } from './triage-policy.schema';
import { ANY_ROLE_ACCESS, Access, accessOnly } from '@chuishao/auth';

@ApiTags('triage policy 分级策略')
@ApiBearer()
@Controller('api/v1/policies/triage')
export class TriagePoliciesHttpController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly policies: PolicyRepository,
    private readonly publish: PublishTriagePolicyHandler,
  ) {}

  @Get()
  @Access(ANY_ROLE_ACCESS)
  @ApiOperation({ summary: '现行分级策略 / The triage policy in force', description: '任何已认证角色可读。/ Any authenticated role.' })
  @ApiResponse({ status: 200, type: TriagePolicyResponse })
  async current(): Promise<TriagePolicyResponse> {
    return presentPolicy(await this.policies.current(this.dataSource));
  }

  @Get('versions')
  @Access(ANY_ROLE_ACCESS)
  @ApiOperation({ summary: '全部策略版本（含内置 v1）/ Every version, v1 (built in) first' })
  @ApiResponse({ status: 200, type: TriagePolicyListResponse })
  async versions(): Promise<TriagePolicyListResponse> {
    const h = await this.policies.history(this.dataSource);
    return { versions: h.versions.map(presentPolicy) };
  }

  @Get('versions/:version')
  @Access(ANY_ROLE_ACCESS)
  @ApiOperation({ summary: '某一版本（哨件的 triage.policyVersion）/ One version, e.g. the one a whistle was triaged with' })
  @ApiResponse({ status: 200, type: TriagePolicyResponse })
  async version(@Param('version', new ParseIntPipe({ exceptionFactory: () => ProblemException.badRequest('版本号必须是整数 / version must be an integer', [{ field: 'version', message: 'integer' }]) })) version: number): Promise<TriagePolicyResponse> {
    const v = await this.policies.byVersion(this.dataSource, version);
    if (!v) throw ProblemException.notFound(`没有第 ${version} 版分级策略 / no triage policy v${version}`);
    return presentPolicy(v);
  }

  @Post()
  @Access(accessOnly('command-center', 'admin'))
  @HttpCode(201)
  @Roles('command-center', 'admin')
  @ApiOperation({
    summary: '发布新版分级策略 / Publish the next policy version',
    description:
      '区指挥中心或管理员。版本号 = 当前 + 1；此后吹哨的哨件按新版分级，此前吹哨的不变。五条规则与三个级别都必须完整给出。' +
      ' / command-center or admin. Applies to whistles blown from now on; every level and all five rules must be stated. 422 with field errors when invalid; 409 when `version` is not current + 1 or another version was published concurrently.',
  })
  @ApiBody({ type: PublishTriagePolicyRequestDto })
  @ApiResponse({ status: 201, type: TriagePolicyResponse, description: '已发布 / Published (Location: /api/v1/policies/triage/versions/{version})' })
  @ApiResponse({ status: 403, description: '角色无权 / wrong role' })
  @ApiResponse({ status: 409, description: '版本冲突 / version conflict' })
  @ApiResponse({ status: 422, description: '策略无效，errors 列出每个字段 / invalid policy, errors[] per field' })
  async publishPolicy(
    @CurrentPrincipal() principal: Principal,
    @Body() dto: PublishTriagePolicyRequestDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TriagePolicyResponse> {
    const published = await this.publish.handle(principal, dto);
    reply.header('Location', `/api/v1/policies/triage/versions/${published.policy.version}`);
    return presentPolicy(published);
  }
}
