import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiBearer } from '@chuishao/platform';
import { DataSource } from 'typeorm';
import { CurrentPrincipal, Roles, type Principal } from '@chuishao/auth';
import { monthKeyOf, parsePeriod, policyFor, withPolicyDefaults } from '@chuishao/assessment-domain';
import { districtTimeZone } from '../projection/district-time-zone';
import { scoringPolicyVersions } from './scoring-policy.repository';
import { PublishScoringPolicyHandler } from './publish-scoring-policy.handler';
import { PublishScoringPolicyRequestDto, ScoringPolicyQueryDto } from './publish-scoring-policy.request.dto';
import { ScoringPolicyResponseDto, ScoringPolicyVersionsResponseDto } from '../openapi.responses';
import { Access, accessOnly } from '@chuishao/auth';

const FIELDS =
  'weights 权重（完成度/满意度/感知度，之和为 1）；credits 每件计分（按时/逾期办结/超期未办）；feedbackScores 群众评价分值；grades 等级下限（按四舍五入后的总分）；rounding 四舍五入位数；' +
  'minimumSample 排名所需最少计入件数（默认 5）；appealWindowDays 关闭后可申诉天数（默认 10）；extensionCap 每个派单延期上限（默认 2）；annualShare 年度绩效占比（默认 0.30）；annualFrom 年度得分由 QUARTERS 或 MONTHS 合成；effectiveFrom 生效考核期。';

@ApiTags('assessment 考核评价')
@ApiBearer()
@Controller('api/v1/assessment/policy')
export class ScoringPolicyHttpController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly publish: PublishScoringPolicyHandler,
  ) {}

  @Get()
  @Access(accessOnly('assessment-office', 'command-center', 'admin', 'department'))
  @Roles('assessment-office', 'command-center', 'admin', 'department')
  @ApiOperation({ summary: '考核评分办法（现行版本，或某考核期所用版本）/ The scoring policy in force, or the one scoring a period', description: FIELDS })
  @ApiResponse({ status: 200, type: ScoringPolicyResponseDto })
  async get(@Query() q: ScoringPolicyQueryDto) {
    const now = new Date();
    const period = parsePeriod(q.period ?? monthKeyOf(now, districtTimeZone()));
    const { versions } = await scoringPolicyVersions(this.dataSource);
    const policy = policyFor(period!, now, versions, districtTimeZone());
    return { ...withPolicyDefaults(policy), publishedAt: versions.find((v) => v.policy.version === policy.version)?.publishedAt ?? null };
  }

  @Get('versions')
  @Access(accessOnly('assessment-office', 'command-center', 'admin', 'department'))
  @Roles('assessment-office', 'command-center', 'admin', 'department')
  @ApiOperation({ summary: '评分办法的全部版本 / Every version of the scoring policy', description: '按版本号排列；v1 自始生效（effectiveFrom 为 null）。' })
  @ApiResponse({ status: 200, type: ScoringPolicyVersionsResponseDto })
  async versions() {
    const { versions } = await scoringPolicyVersions(this.dataSource);
    return { items: versions.map((v) => ({ ...withPolicyDefaults(v.policy), effectiveFrom: v.policy.effectiveFrom ?? null, publishedAt: v.publishedAt })) };
  }

  @Post()
  @Access(accessOnly('assessment-office'))
  @HttpCode(201)
  @Roles('assessment-office')
  @ApiOperation({
    summary: '发布新版评分办法 / Publish a new version of the scoring policy',
    description:
      '从 effectiveFrom 指定的考核期（必须尚未开始）起生效；每个考核期按其开始时生效的版本计分，每张考核表写明版本。未给出的字段取合同默认值（而非上一版的值）。事件 ScoringPolicyPublished。' + FIELDS,
  })
  @ApiResponse({ status: 201, type: ScoringPolicyResponseDto, description: 'ScoringPolicyPublished: the new version' })
  @ApiResponse({ status: 409, description: 'version 不是最新版本 + 1，或并发发布 / not the next version' })
  @ApiResponse({ status: 422, description: '权重之和不为 1、生效考核期已开始等，errors[] 指明字段 / invalid, with field errors' })
  async post(@CurrentPrincipal() principal: Principal, @Body() dto: PublishScoringPolicyRequestDto) {
    return this.publish.handle(principal, { ...dto } as Record<string, unknown>);
  }
}
