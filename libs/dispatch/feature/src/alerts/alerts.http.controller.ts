import { Controller, Get, Logger, Req, Res, type BeforeApplicationShutdown } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';
import { Access, CurrentPrincipal, Roles, type Principal } from '@chuishao/auth';
import { ApiBearer, ApiFile, ApiProblems, ProblemException } from '@chuishao/platform';
import { AlertsRepository, type AlertCounts } from './alerts.repository';
import { dueNotices, type NoticeStage } from './deadline-notices';

/** How often a stream looks again (deadlines, counts): notices arrive within this long. */
const ALERTS_TICK_MS = Number(process.env['CHUISHAO_ALERTS_TICK_MS'] ?? 5000);
/** A comment line this often keeps idle connections (and the proxies on the way) open. */
const KEEPALIVE_MS = 20_000;
/** Open streams per dispatch instance; past that 503 (the console retries). */
const MAX_STREAMS = 2000;

/**
 * 提醒 — server-sent events for the signed-in person (issue #30 item 6): the console's count
 * badges and in-page deadline notices, pushed rather than polled per page. Dispatch serves it
 * because it owns the assignments and their deadlines.
 *
 * Events: `counts` — a department: `{"needingAction"}` (its open assignments); the command center,
 * assessment office and admin: `{"overdue","disputed","extensionsPending"}` — sent first and
 * whenever they change; `deadline` (departments) — `{"assignmentId","whistleId","title","kind",
 * "dueAt","stage":"30"|"10"|"missed","minutesLeft"}`, once per deadline and stage. A comment line
 * every 20 s keeps the connection open. `retry: 5000` tells the browser when to reconnect.
 */
@ApiTags('alerts 提醒')
@ApiBearer()
@Controller('api/v1/alerts')
export class AlertsHttpController implements BeforeApplicationShutdown {
  private readonly log = new Logger('AlertsStream');
  private readonly open = new Set<() => void>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly alerts: AlertsRepository,
  ) {}

  @Get('stream')
  @Roles('department', 'command-center', 'assessment-office', 'admin')
  @Access({ street: 'deny', department: 'allow', 'command-center': 'allow', 'assessment-office': 'allow', admin: 'allow', anonymous: 'deny', note: 'a department hears of its own assignments only' })
  @ApiOperation({
    summary: '提醒（服务器推送事件）/ Alerts as server-sent events',
    description:
      '`text/event-stream`。部门：`counts` {needingAction} 与 `deadline`（时限前 30、10 分钟及超时各一次）；指挥中心、考核办、管理员：`counts` {overdue, disputed, extensionsPending}。/ A department gets its counts and deadline notices (30 and 10 minutes before, and when missed); the district offices get the board counts.',
  })
  @ApiFile('text/event-stream')
  @ApiOkResponse({ description: 'event: counts | deadline; data: JSON' })
  @ApiProblems({ status: 503, description: '连接过多，请稍后重连 / Too many open streams; reconnect later' })
  stream(@CurrentPrincipal() principal: Principal, @Req() req: FastifyRequest, @Res() reply: FastifyReply): void {
    if (this.open.size >= MAX_STREAMS) throw ProblemException.serviceUnavailable('提醒连接过多，请稍后重连 / Too many alert streams; reconnect later');
    const raw = reply.raw;
    // the edge's headers (CSP, nosniff, …) set on the reply so far go out with the stream's own
    for (const [name, value] of Object.entries(reply.getHeaders())) if (value !== undefined) raw.setHeader(name, value);
    raw.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store, no-transform', 'x-accel-buffering': 'no', connection: 'keep-alive' });
    reply.hijack();
    raw.write('retry: 5000\n\n');

    const department = principal.role === 'department' ? principal.org : undefined;
    const sent = new Map<string, NoticeStage>();
    let lastCounts = '';
    let lastWrite = Date.now();
    let busy = false;
    const send = (event: string, data: unknown) => {
      raw.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      lastWrite = Date.now();
    };
    const tick = async () => {
      if (busy) return;
      busy = true;
      try {
        const counts: AlertCounts = department ? await this.alerts.departmentCounts(this.dataSource, department) : await this.alerts.districtCounts(this.dataSource);
        const text = JSON.stringify(counts);
        if (text !== lastCounts) {
          lastCounts = text;
          send('counts', counts);
        }
        if (department) for (const notice of dueNotices(await this.alerts.openDeadlines(this.dataSource, department), sent, new Date())) send('deadline', notice);
        if (Date.now() - lastWrite >= KEEPALIVE_MS) {
          raw.write(': keep-alive\n\n');
          lastWrite = Date.now();
        }
      } catch (err) {
        this.log.warn(`alerts tick failed: ${(err as Error).message}`);
      } finally {
        busy = false;
      }
    };
    const timer = setInterval(() => void tick(), ALERTS_TICK_MS);
    const close = () => {
      clearInterval(timer);
      this.open.delete(close);
      if (!raw.writableEnded) raw.end();
    };
    this.open.add(close);
    req.raw.on('close', close);
    void tick();
  }

  /** Ends every open stream, so that a graceful shutdown does not wait for the browsers. */
  beforeApplicationShutdown(): void {
    for (const close of [...this.open]) close();
  }
}
