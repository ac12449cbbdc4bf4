import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { CurrentPrincipal, Roles, type Principal } from '@chuishao/auth';
import { ApiBearer, ProblemException } from '@chuishao/platform';
import { appealResource, listAppeals } from './appeals.repository';
import { DecideAppealRequestDto, FileAppealRequestDto, ListAppealsQueryDto } from './appeal.request.dto';
import { FileAppealHandler } from './file-appeal.handler';
import { DecideAppealHandler } from './decide-appeal.handler';
import { AppealResponseDto } from './appeal.response.dto';
import { AppealDecisionResponseDto, AppealListResponseDto } from '../openapi.responses';
import { Access, accessOnly } from '@chuishao/auth';

@ApiTags('assessment 考核评价')
@ApiBearer()
@Controller('api/v1/assessment/appeals')
export class AppealsHttpController {
  constructor(
    private readonly file: FileAppealHandler,
    private readonly decide: DecideAppealHandler,
    private readonly dataSource: DataSource,
  ) {}

  @Post()
  @Access(accessOnly({ department: 'own' }))
  @HttpCode(201)
  @Roles('department')
  @ApiOperation({
    summary: '考核申诉 / Appeal a lost point',
    description:
      '部门只能对本部门在该考核期考核表上的失分申诉（逾期或超期未办的派单 assignmentId、群众评价 feedbackId、街道扣分 ratingId，均见考核表说明）；理由先去首尾空白并 NFC 规范化后至少 5 字；证据为 https 链接。' +
      '考核期关闭后超过评分办法的申诉期（默认 10 天）→ 409；已恢复或已有待处理申诉 → 409；他部门的失分 → 403；不是失分 → 422。事件 AppealFiled。',
  })
  @ApiResponse({ status: 201, description: 'AppealFiled', type: AppealResponseDto })
  @ApiResponse({ status: 403, description: '他部门的失分 / another department’s point' })
  @ApiResponse({ status: 409, description: '申诉期已过、已恢复或已有待处理申诉 / window over, already restored or pending' })
  @ApiResponse({ status: 422, description: '理由不足 5 字、证据不是 https 链接、target 与 kind 不符或不是本部门的失分 / invalid' })
  async create(@CurrentPrincipal() principal: Principal, @Body() dto: FileAppealRequestDto) {
    return this.file.handle(principal, dto);
  }

  @Post(':id/decision')
  @Access(accessOnly('assessment-office'))
  @HttpCode(200)
  @Roles('assessment-office')
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOperation({
    summary: '申诉裁决 / Decide an appeal',
    description:
      'UPHOLD：该失分恢复（派单按时计分、该条群众评价或该项街道扣分不再计入），说明写明“经申诉 <id> 恢复 / restored on appeal <id>”；已关闭的考核期生成新的考核表版本（amendedVersions）。REJECT：驳回。理由至少 5 字。只能裁决一次（409）。事件 AppealDecided。',
  })
  @ApiResponse({ status: 200, type: AppealDecisionResponseDto, description: 'AppealDecided; amendedVersions lists the closed periods’ new scorecard versions' })
  @ApiResponse({ status: 404, description: '没有这个申诉 / no such appeal' })
  @ApiResponse({ status: 409, description: '已裁决 / decided already' })
  async decision(@CurrentPrincipal() principal: Principal, @Param('id', new ParseUUIDPipe({ exceptionFactory: () => ProblemException.notFound('没有这个申诉 / no such appeal') })) id: string, @Body() dto: DecideAppealRequestDto) {
    return this.decide.handle(principal, id, dto);
  }

  @Get()
  @Access({ ...accessOnly('department', 'assessment-office', 'command-center', 'admin'), note: 'a department gets its own appeals' })
  @Roles('department', 'assessment-office', 'command-center', 'admin')
  @ApiResponse({ status: 200, type: AppealListResponseDto })
  @ApiOperation({ summary: '申诉列表 / Appeals', description: '按考核期、状态（PENDING 待裁决、UPHELD 成立、REJECTED 驳回）筛选；部门只看到本部门的。' })
  async list(@CurrentPrincipal() principal: Principal, @Query() q: ListAppealsQueryDto) {
    const departmentId = principal.role === 'department' ? (principal.org ?? '00000000-0000-0000-0000-000000000000') : undefined;
    const rows = await listAppeals(this.dataSource, { period: q.period, status: q.status, departmentId });
    return { items: rows.map(appealResource) };
  }
}
