import { Body, Controller, Get, Headers, HttpCode, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { WhistleEventsResponseDto, WhistleListResponseDto, WhistleResponseDto } from './whistle.response.dto';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { EventStore, verifyMerged } from '@chuishao/event-store';
import { whistleStreamId } from '@chuishao/contracts';
import { canReadWhistle, CurrentPrincipal, Roles, type Principal } from '@chuishao/auth';
import { ApiBearer, ApiFile, ApiProblems, ProblemException, publicBaseUrl } from '@chuishao/platform';
import { toString as qrSvg } from 'qrcode';
import { BlowWhistleRequestDto } from './blow-whistle.request.dto';
import { BlowWhistleHandler } from './blow-whistle.handler';
import { WhistleRepository } from './whistle.repository';
import { presentWhistle } from './whistle.presenter';
import { presentLedgerEvent, type LedgerEventView } from './whistle-events.presenter';
import { ListWhistlesQueryDto } from './list-whistles.query.dto';
import { decodeCursor, encodeCursor } from './cursor';
import { StreetActsOnWhistleHandler } from './street-acts-on-whistle.handler';
import { ReopenWhistleRequestDto, WithdrawWhistleRequestDto } from './reason.request.dto';
import { FeedbackTokens } from '../feedback/feedback-tokens';
import { Access, WHISTLE_READ_ACCESS, accessOnly } from '@chuishao/auth';

const ALL_ROLES = ['street', 'department', 'command-center', 'assessment-office', 'admin'] as const;

@ApiTags('whistles 吹哨')
@ApiBearer()
@Controller('api/v1/whistles')
export class WhistlesHttpController {
  constructor(
    private readonly blow: BlowWhistleHandler,
    private readonly dataSource: DataSource,
    private readonly whistles: WhistleRepository,
    private readonly acts: StreetActsOnWhistleHandler,
    private readonly links: FeedbackTokens,
    private readonly store: EventStore,
  ) {}

  @Get()
  @Access({ ...WHISTLE_READ_ACCESS, note: '?streetId= / ?departmentId= of another → 403' })
  @Roles(...ALL_ROLES)
  @ApiOperation({
    summary: '哨件列表（筛选、游标分页）/ List whistles (filters, cursor pagination)',
    description:
      '按吹哨时间倒序；nextCursor 为 null 表示没有下一页。街道只能看到本街道的哨件，部门只能看到派给本部门的哨件（指定其他街道/部门返回 403）。' +
      ' / Newest first; nextCursor null means no more pages. A street sees only its own whistles, a department only those assigned to it (asking for another → 403).',
  })
  @ApiOkResponse({ type: WhistleListResponseDto })
  async list(@CurrentPrincipal() principal: Principal, @Query() q: ListWhistlesQueryDto) {
    let streetId = q.streetId;
    let departmentId = q.departmentId;
    if (principal.role === 'street') {
      if (streetId && streetId !== principal.org) throw ProblemException.forbidden('街道只能查看本街道的哨件 / A street may list only its own whistles');
      streetId = principal.org;
    }
    if (principal.role === 'department') {
      if (departmentId && departmentId !== principal.org) {
        throw ProblemException.forbidden('部门只能查看派给本部门的哨件 / A department may list only whistles assigned to it');
      }
      departmentId = principal.org;
    }
    const after = q.cursor === undefined ? undefined : decodeCursor(q.cursor);
    if (q.cursor !== undefined && !after) {
      throw ProblemException.badRequest('游标无效 / Invalid cursor', [{ field: 'cursor', message: '请使用上一页返回的 nextCursor / use the nextCursor of a previous page' }]);
    }
    if (q.from && q.to && Date.parse(q.from) >= Date.parse(q.to)) {
      throw ProblemException.validation('from 必须早于 to / from must be before to', [{ field: 'from', message: 'must be before to' }]);
    }
    const limit = q.limit ?? 20;
    const rows = await this.whistles.list(this.dataSource, {
      statuses: q.status,
      levels: q.level,
      streetId,
      departmentId,
      from: q.from,
      to: q.to,
      after,
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    return {
      items: page.map((r) => presentWhistle(r.view, principal, this.links)),
      nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1].position) : null,
    };
  }

  @Post()
  @Access(accessOnly('street'))
  @Roles('street')
  @ApiOperation({ summary: '吹哨：街道发起呼叫 / Blow a whistle', description: '同一 Idempotency-Key 与相同请求体重复提交，返回同一结果且不产生新事件；请求体不同则 409。' })
  @ApiHeader({ name: 'Idempotency-Key', required: true, description: '≤ 128 字符 / chars' })
  @ApiCreatedResponse({
    type: WhistleResponseDto,
    description: '已吹哨（Location 指向该哨件）。同键同体重放返回同一哨件，不产生新事件。 / Blown (Location names it); a replay with the same key and body answers the same whistle again and appends nothing.',
  })
  @ApiProblems(400)
  @ApiResponse({ status: 409, description: '同一 Idempotency-Key 用于不同请求体 / key reused with another body' })
  @ApiResponse({ status: 422, description: '未知情形、超长字段等 / unknown situation, over-long fields…' })
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
    // a replay is the same response (contract §2 allows 201 or 200): one success code to document and to handle
    reply.status(201);
    reply.header('Location', `/api/v1/whistles/${result.body.id}`);
    return presentWhistle(result.body, principal, this.links);
  }

  @Get(':id')
  @Access(WHISTLE_READ_ACCESS)
  @Roles(...ALL_ROLES)
  @ApiOperation({
    summary: '哨件详情 / A whistle (read model)',
    description: '发起街道在确认办结后可看到一次性评价链接 feedback.link（未使用且未过期时）。 / The owning street sees the one-time feedback link while it is unused and unexpired.',
  })
  @ApiOkResponse({ type: WhistleResponseDto })
  async get(@CurrentPrincipal() principal: Principal, @Param('id', new ParseUUIDPipe()) id: string) {
    const view = await this.readable(principal, id);
    return { ...presentWhistle(view, principal, this.links), stuck: await this.whistles.stuck(this.dataSource, id) };
  }

  @Get(':id/feedback-qr.svg')
  @Roles('street')
  @Access(accessOnly({ street: 'own' }))
  @ApiOperation({
    summary: '群众评价链接的二维码（SVG，服务器生成）/ The feedback link as a QR code (SVG, made on the server)',
    description:
      '仅发起街道，评价链接未使用且未过期时可用（否则 404）；二维码内容为 CHUISHAO_PUBLIC_BASE_URL + feedback.link，群众扫码即可评价并查看办理进度。不使用任何外部服务。' +
      ' / Owning street only, while the link is unused and unexpired (else 404); encodes CHUISHAO_PUBLIC_BASE_URL + feedback.link, where the resident rates and follows the case. No external service.',
  })
  @ApiFile('image/svg+xml')
  @ApiOkResponse({ description: 'SVG; Cache-Control: private, no-store' })
  @ApiProblems({ status: 400, description: 'id 不是 UUID / id is not a UUID' }, { status: 404, description: '没有可用的评价链接 / no usable feedback link' })
  async feedbackQr(@CurrentPrincipal() principal: Principal, @Param('id', new ParseUUIDPipe()) id: string, @Res() reply: FastifyReply): Promise<void> {
    const view = await this.readable(principal, id);
    const link = presentWhistle(view, principal, this.links).feedback;
    if (!link || !('link' in link)) throw ProblemException.notFound('该哨件没有可用的评价链接 / This whistle has no usable feedback link');
    const svg = await qrSvg(`${publicBaseUrl()}${link.link}`, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    void reply.code(200).header('Cache-Control', 'private, no-store').type('image/svg+xml; charset=utf-8').send(svg);
  }

  @Post(':id/withdraw')
  @Access(accessOnly({ street: 'own' }))
  @HttpCode(200)
  @Roles('street')
  @ApiOperation({
    summary: '撤回哨件 / Withdraw a whistle',
    description: '仅发起街道；已办结、已确认或已撤回的哨件不能撤回（409）；理由必填（422）。 / Own street only; a COMPLETED, RESOLVED or WITHDRAWN whistle cannot be withdrawn (409); reason required (422).',
  })
  @ApiOkResponse({ type: WhistleResponseDto, description: '已撤回（WhistleWithdrawn）/ withdrawn' })
  @ApiResponse({ status: 403, description: '非本街道哨件 / not your street’s whistle' })
  @ApiResponse({ status: 409, description: '状态不允许 / illegal transition' })
  async withdraw(@CurrentPrincipal() principal: Principal, @Param('id', new ParseUUIDPipe()) id: string, @Body() dto: WithdrawWhistleRequestDto) {
    return presentWhistle(await this.acts.withdraw(principal, id, dto.reason), principal, this.links);
  }

  @Post(':id/confirm')
  @Access(accessOnly({ street: 'own' }))
  @HttpCode(200)
  @Roles('street')
  @ApiBody({ required: false, schema: { type: 'object', example: {} } })
  @ApiOperation({
    summary: '确认办结并生成群众评价链接 / Confirm the result and get the resident feedback link',
    description:
      '仅发起街道，仅限 COMPLETED（牵头部门已办结）的哨件，否则 409。记录 WhistleConfirmed 与 FeedbackRequested；响应中的 feedback.link 是一次性评价链接（30 天有效），交给群众。' +
      ' / Own street only, only a COMPLETED whistle (else 409). Records WhistleConfirmed and FeedbackRequested; feedback.link in the answer is the one-time link (valid 30 days) to hand to the resident.',
  })
  @ApiOkResponse({ type: WhistleResponseDto, description: 'RESOLVED，含 feedback.link / RESOLVED with feedback.link' })
  async confirm(@CurrentPrincipal() principal: Principal, @Param('id', new ParseUUIDPipe()) id: string, @Body() body: unknown) {
    if (body !== undefined && body !== null && (typeof body !== 'object' || Array.isArray(body) || Object.keys(body).length > 0)) {
      throw ProblemException.badRequest('确认请求体应为空对象 {} / The confirm body must be an empty object {}', [{ field: 'body', message: 'must be {}' }]);
    }
    return presentWhistle(await this.acts.confirm(principal, id), principal, this.links);
  }

  @Post(':id/reopen')
  @Access(accessOnly({ street: 'own' }))
  @HttpCode(200)
  @Roles('street')
  @ApiOperation({
    summary: '退回重办 / Reopen (reject the completion)',
    description: '仅发起街道，仅限 COMPLETED 的哨件（409）；理由必填（422）；已办结的派单回到处置中。 / Own street only, only a COMPLETED whistle (409); reason required (422); completed assignments go back to work.',
  })
  @ApiOkResponse({ type: WhistleResponseDto, description: 'REOPENED' })
  async reopen(@CurrentPrincipal() principal: Principal, @Param('id', new ParseUUIDPipe()) id: string, @Body() dto: ReopenWhistleRequestDto) {
    return presentWhistle(await this.acts.reopen(principal, id, dto.reason), principal, this.links);
  }

  @Get(':id/events')
  @Access({ ...WHISTLE_READ_ACCESS, note: 'street, department: redacted view' })
  @HttpCode(200)
  @Roles(...ALL_ROLES)
  @ApiOperation({
    summary: '审计事件流（哈希链）/ The auditable, hash-chained event stream of a whistle',
    description:
      '所有服务为该哨件记录的事件，按因果顺序；hash = SHA-256(prevHash + 事件的规范 JSON)。街道与部门看不到其哨件视图同样隐去的内容（群众评价意见、评价链接的 tokenHash、其他部门的人员），被隐去的值替换为标记并列在该事件的 redacted 中，hash 与 prevHash 仍为原事件的（链可逐环核对，见 docs/security.md）；chain 由服务端按原事件校验。' +
      ' / Every service’s events for the whistle in causal order; hash = SHA-256(prevHash + canonical JSON). Streets and departments do not see what their whistle view hides (the resident’s comment, the feedback tokenHash, other departments’ people): a hidden value is replaced by a marker and named in the event’s `redacted`, while hash and prevHash stay the stored event’s (see docs/security.md); `chain` is verified on the stored events.',
  })
  @ApiOkResponse({ type: WhistleEventsResponseDto })
  async events(@CurrentPrincipal() principal: Principal, @Param('id', new ParseUUIDPipe()) id: string) {
    // in this order: a ledger read after its view holds at least the view's `version` events, and
    // intake's own stream, read last, every intake event that ledger holds
    const view = await this.readable(principal, id);
    const rows = await this.whistles.ledger(this.dataSource, id);
    const own = await this.store.readChain(this.dataSource, whistleStreamId(id));
    const events: LedgerEventView[] = rows.map((r) => ({
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
    // the ledger's chain, its length against the view's count, and intake's copies against its own store
    const verdict = verifyMerged(events, { length: view.version }, [{ source: 'intake', ...own }]);
    return {
      whistleId: id,
      events: events.map((e) => presentLedgerEvent(e, principal)),
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
