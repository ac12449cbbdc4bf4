import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiBearer } from '@chuishao/platform';
import { DataSource } from 'typeorm';
import { CurrentPrincipal, Roles, type Principal } from '@chuishao/auth';
import { ListRatingsQueryDto, RateDepartmentRequestDto } from './rate-department.request.dto';
import { RateDepartmentHandler } from './rate-department.handler';
import { StreetRatingsRepository } from './street-ratings.repository';
import { StreetRatingListResponseDto, StreetRatingResponseDto } from '../openapi.responses';
import { Access, accessOnly } from '@chuishao/auth';

@ApiTags('street ratings 面向基层履职服务感知度')
@ApiBearer()
@Controller('api/v1/street-ratings')
export class StreetRatingsHttpController {
  constructor(
    private readonly rate: RateDepartmentHandler,
    private readonly dataSource: DataSource,
    private readonly streetRatings: StreetRatingsRepository,
  ) {}

  @Post()
  @Access(accessOnly('street'))
  @HttpCode(201)
  @Roles('street')
  @ApiOperation({
    summary: '街道为部门评分 / A street rates a department for a period',
    description: '得分 = 100 − 扣分合计（最低 0）；每项扣分必须写明理由（≥ 5 字），否则 422；同一街道、部门、考核期再次提交为修订（保留全部版本）；考核期已关闭 409。',
  })
  @ApiResponse({ status: 201, type: StreetRatingResponseDto, description: '已评分（新修订）/ Rated (new revision)' })
  @ApiResponse({ status: 409, description: '考核期已关闭 / Period closed' })
  @ApiResponse({ status: 422, description: '扣分缺少理由、未知部门或考核期格式错误 / Invalid' })
  async create(@CurrentPrincipal() principal: Principal, @Body() dto: RateDepartmentRequestDto) {
    return this.rate.handle(principal, dto);
  }

  @Get()
  @Access({ ...accessOnly('street', 'assessment-office', 'command-center', 'admin'), note: 'a street gets its own ratings only' })
  @Roles('street', 'assessment-office', 'command-center', 'admin')
  @ApiResponse({ status: 200, type: StreetRatingListResponseDto })
  @ApiOperation({ summary: '评分（每个部门的最新修订）/ Ratings of a period, latest revision per department', description: '街道只能看到本街道的评分。' })
  async list(@CurrentPrincipal() principal: Principal, @Query() q: ListRatingsQueryDto) {
    const streetId = principal.role === 'street' ? (principal.org as string) : (q.streetId ?? null);
    const rows = await this.streetRatings.latest(this.dataSource, q.period, streetId);
    return {
      period: q.period,
      items: rows.map((r) => ({
        streetId: r.street_id,
        departmentId: r.department_id,
        period: r.period,
        revision: r.revision,
        revisions: r.revisions,
        score: r.score,
        deductions: r.deductions,
        comment: r.comment,
        ratedAt: new Date(r.rated_at).toISOString(),
        eventId: r.event_id,
      })),
    };
  }
}
