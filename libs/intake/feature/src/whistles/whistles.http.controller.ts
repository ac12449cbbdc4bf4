import { Body, Controller, Get, Headers, HttpCode, Param, ParseUUIDPipe, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { verifyChain } from '@chuishao/event-store';
import { canReadWhistle, CurrentPrincipal, Roles, type Principal } from '@chuishao/auth';
import { ProblemException } from '@chuishao/platform';
import { BlowWhistleRequestDto } from './blow-whistle.request.dto';
import { BlowWhistleHandler } from './blow-whistle.handler';
import { WhistleRepository } from './whistle.repository';
import { presentWhistle } from './whistle.presenter';

@ApiTags('whistles 吹哨')
@ApiBearerAuth()
@Controller('api/v1/whistles')
export class WhistlesHttpController {
  constructor(
    private readonly blow: BlowWhistleHandler,
    private readonly dataSource: DataSource,
    private readonly whistles: WhistleRepository,
  ) {}

  @Post()
  @Roles('street')
  @ApiOperation({ summary: '吹哨：街道发起呼叫 / Blow a whistle', description: '同一 Idempotency-Key 与相同请求体重复提交，返回同一结果且不产生新事件；请求体不同则 409。' })
  @ApiHeader({ name: 'Idempotency-Key', required: true, description: '≤ 128 字符 / chars' })
  @ApiResponse({ status: 201, description: '已吹哨 / Blown' })
  async create(
    @CurrentPrincipal() principal: Principal,
    @Headers('idempotency-key') key: string | undefined,
    @Body() dto: BlowWhistleRequestDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    if (!key || !key.trim()) {
      throw ProblemException.badRequest('缺少 Idempotency-Key 请求头 / The Idempotency-Key header is required', [
        { field: 'Idempotency-Key', message: 'required' },
      ]);
    }
    if (key.length > 128) {
      throw ProblemException.validation('Idempotency-Key 不能超过 128 个字符 / Idempotency-Key must be at most 128 characters', [
        { field: 'Idempotency-Key', message: 'at most 128 characters' },
      ]);
    }
    const result = await this.blow.handle(principal, key, dto);
    reply.status(result.status);
    reply.header('Location', `/api/v1/whistles/${result.body.id}`);
    return presentWhistle(result.body, principal);
  }

  @Get(':id')
  @Roles('street', 'department', 'command-center', 'assessment-office', 'admin')
  @ApiOperation({ summary: '哨件详情 / A whistle (read model)' })
  async get(@CurrentPrincipal() principal: Principal, @Param('id', new ParseUUIDPipe()) id: string) {
    const view = await this.readable(principal, id);
    return presentWhistle(view, principal);
  }

  @Get(':id/events')
  @HttpCode(200)
  @Roles('street', 'department', 'command-center', 'assessment-office', 'admin')
  @ApiOperation({ summary: '审计事件流（哈希链）/ The auditable, hash-chained event stream of a whistle' })
  async events(@CurrentPrincipal() principal: Principal, @Param('id', new ParseUUIDPipe()) id: string) {
    await this.readable(principal, id);
    const rows = await this.whistles.ledger(this.dataSource, id);
    const events = rows.map((r) => ({
      eventId: r.event_id,
      type: r.type,
      position: Number(r.position),
      occurredAt: new Date(r.occurred_at).toISOString(),
      actor: { role: r.actor.role, org: r.actor.org ?? null, sub: r.actor.sub },
      data: r.data,
      source: r.source,
      hash: r.hash,
      prevHash: r.prev_hash,
    }));
    const verdict = verifyChain(events);
    return {
      whistleId: id,
      events,
      chain: verdict.valid
        ? { valid: true, length: verdict.length }
        : { valid: false, length: verdict.length, firstBadPosition: verdict.firstBadPosition, reason: verdict.reason },
    };
  }

  private async readable(principal: Principal, id: string) {
    const view = await this.whistles.find(this.dataSource, id);
    if (!view) throw ProblemException.notFound(`哨件不存在 / No whistle ${id}`);
    if (!canReadWhistle(principal, { streetId: view.streetId, departmentIds: view.assignments.map((a) => a.departmentId) })) {
      throw ProblemException.forbidden('无权查看该哨件 / This whistle is outside your scope');
    }
    return view;
  }
}
