import { Controller, Get, Param, ParseUUIDPipe, Query, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';
import { defaultCatalog } from '@chuishao/catalog';
import { Access, PUBLIC_ACCESS, Public } from '@chuishao/auth';
import { anonymiseWhistle, type PublicWhistle } from '@chuishao/intake-domain';
import { ApiFile, ApiProblems, ApiPublic, ProblemException, publicBaseUrl, publicCacheSeconds, sendCacheable, TtlCache, type CacheableAnswer } from '@chuishao/platform';
import { WhistleRepository } from '../whistles/whistle.repository';
import { BoardRepository } from '../board/board.repository';
import { decodeCursor, encodeCursor } from '../whistles/cursor';
import { LEVEL_CODES } from '../whistles/list-whistles.query.dto';
import { PUBLIC_STATUSES, PublicFeedQueryDto, PublicWhistlesQueryDto } from './public.query.dto';
import { progressByStreet } from './public-board';
import { resolvedWhistlesAtom } from './atom-feed';
import { PublicWhistleDto, PublicWhistleListDto } from './public.docs';
import { PublicBoardDto } from './public-board.docs';

/** The board's window of "recent" whistles, and how many of the newest it lists. */
const PUBLIC_RECENT_DAYS = 30;
const PUBLIC_RECENT_ITEMS = 20;
const FEED_ITEMS = 50;
const JSON_TYPE = 'application/json; charset=utf-8';
/** The gateway limits the public routes per client (contract §13). */
const RATE_LIMITED = { status: 429, description: '请求过于频繁，见 Retry-After / rate limited, see Retry-After' };
const NOT_MODIFIED = { status: 304, description: '未变化：If-None-Match 与当前 ETag 相同 / Not modified: If-None-Match names the current answer' };

function knownStreet(streetId: string | undefined) {
  if (!streetId) return undefined;
  const street = defaultCatalog().street(streetId);
  if (!street) throw ProblemException.validation('未知街道 / Unknown street', [{ field: 'streetId', message: `未知街道 / unknown street ${streetId}` }]);
  return street;
}

/**
 * 公示公开 (contract §13), intake's part: the board's counts and green/yellow/red progress, the
 * public whistles and the Atom feed of resolved ones. No sign-in; every whistle goes through
 * {@link anonymiseWhistle}; answers carry ETag and a short max-age, and the board and feed are
 * computed at most once per CHUISHAO_PUBLIC_CACHE_SECONDS (docs/public.md). The departments' 三率
 * come from assessment; the gateway adds them to the board.
 */
@ApiTags('public 公示公开')
@Public()
@Access(PUBLIC_ACCESS)
@ApiPublic()
@ApiProblems(RATE_LIMITED)
@Controller('api/v1/public')
export class PublicHttpController {
  private readonly seconds = publicCacheSeconds();
  private readonly cache = new TtlCache<CacheableAnswer>(this.seconds * 1000);
  private readonly base = publicBaseUrl();

  constructor(
    private readonly dataSource: DataSource,
    private readonly whistles: WhistleRepository,
    private readonly boards: BoardRepository,
  ) {}

  @Get('board')
  @ApiOperation({
    summary: '公示看板（哨件部分）：红黄蓝计数、按街道社区的绿黄红进度、最近哨件 / Public board (whistle part): counts, progress by street and community, recent whistles',
    description:
      '只含已分级的哨件，已脱敏。经网关访问时另含 departments（上一个已关闭月份各部门三率，来自考核服务）。 / Triaged whistles only, anonymised. Through the gateway the answer also carries `departments` (the last closed month’s 三率, from assessment).',
  })
  @ApiOkResponse({ type: PublicBoardDto, description: 'ETag, Cache-Control: public, max-age' })
  @ApiResponse(NOT_MODIFIED)
  async board(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const answer = await this.cache.get('board', async () => {
      const now = new Date();
      const since = new Date(now.getTime() - PUBLIC_RECENT_DAYS * 24 * 3600 * 1000);
      const [counts, progress, recent] = await Promise.all([
        this.boards.publicCounts(this.dataSource),
        this.boards.publicProgress(this.dataSource, since),
        this.whistles.list(this.dataSource, { publicOnly: true, limit: PUBLIC_RECENT_ITEMS }),
      ]);
      const byLevel: Record<string, number> = Object.fromEntries(LEVEL_CODES.map((l) => [l, 0]));
      const byStatus: Record<string, number> = Object.fromEntries(PUBLIC_STATUSES.map((s) => [s, 0]));
      for (const r of counts) {
        if (r.status in byStatus) byStatus[r.status] += r.n;
        if (r.level in byLevel && r.status !== 'RESOLVED' && r.status !== 'WITHDRAWN') byLevel[r.level] += r.n;
      }
      const catalog = defaultCatalog();
      const body = {
        generatedAt: now.toISOString(),
        counts: { byLevel, byStatus },
        progress: { since: since.toISOString(), days: PUBLIC_RECENT_DAYS, ...progressByStreet(progress, catalog) },
        recent: recent.map((r) => anonymiseWhistle(r.view, catalog, now)).filter((w): w is PublicWhistle => !!w),
      };
      return { body: JSON.stringify(body), contentType: JSON_TYPE, maxAgeSeconds: this.seconds };
    });
    sendCacheable(request, reply, answer);
  }

  @Get('whistles')
  @ApiOperation({
    summary: '公示哨件列表（已脱敏，游标分页）/ Public whistles (anonymised, cursor pagination)',
    description:
      '情形、领域、等级、状态、街道、社区、日期与进度；不含描述、地址、姓名、电话、照片或评论。按吹哨时间倒序。 / Situation, area, level, status, street, community, dates and progress; never the description, address, names, phone numbers, photos or comments. Newest first.',
  })
  @ApiOkResponse({ type: PublicWhistleListDto, description: 'ETag, Cache-Control: public, max-age' })
  @ApiResponse(NOT_MODIFIED)
  @ApiProblems({ status: 400, description: '游标无效 / invalid cursor' }, { status: 422, description: '未知街道或状态 / unknown street or status' })
  async list(@Query() q: PublicWhistlesQueryDto, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    knownStreet(q.streetId);
    const after = q.cursor === undefined ? undefined : decodeCursor(q.cursor);
    if (q.cursor !== undefined && !after) {
      throw ProblemException.badRequest('游标无效 / Invalid cursor', [{ field: 'cursor', message: '请使用上一页返回的 nextCursor / use the nextCursor of a previous page' }]);
    }
    const limit = q.limit ?? 20;
    const rows = await this.whistles.list(this.dataSource, { publicOnly: true, streetId: q.streetId, statuses: q.status, after, limit: limit + 1 });
    const page = rows.slice(0, limit);
    const now = new Date();
    const catalog = defaultCatalog();
    const body = {
      items: page.map((r) => anonymiseWhistle(r.view, catalog, now)).filter((w): w is PublicWhistle => !!w),
      nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1].position) : null,
    };
    sendCacheable(request, reply, { body: JSON.stringify(body), contentType: JSON_TYPE, maxAgeSeconds: this.seconds });
  }

  @Get('whistles/:id')
  @ApiOperation({ summary: '公示哨件（已脱敏）/ One public whistle (anonymised)', description: '未分级或不存在 → 404。 / Not triaged yet or unknown → 404.' })
  @ApiOkResponse({ type: PublicWhistleDto, description: 'ETag, Cache-Control: public, max-age' })
  @ApiResponse(NOT_MODIFIED)
  @ApiProblems({ status: 400, description: 'id 不是 UUID / id is not a UUID' }, { status: 404, description: '不存在或尚未公开 / unknown or not public yet' })
  async one(@Param('id', new ParseUUIDPipe()) id: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const view = await this.whistles.find(this.dataSource, id);
    const pub = view ? anonymiseWhistle(view, defaultCatalog(), new Date()) : undefined;
    if (!pub) throw ProblemException.notFound(`哨件不存在或尚未公开 / No public whistle ${id}`);
    sendCacheable(request, reply, { body: JSON.stringify(pub), contentType: JSON_TYPE, maxAgeSeconds: this.seconds });
  }

  @Get('feed.atom')
  @ApiOperation({
    summary: '已解决哨件的 Atom 订阅（按街道）/ Atom feed of resolved whistles (per street)',
    description: `最新 ${FEED_ITEMS} 件街道已确认解决的哨件，已脱敏；不填 streetId 为全区。 / The newest ${FEED_ITEMS} resolved whistles, anonymised; all streets without streetId.`,
  })
  @ApiFile('application/atom+xml')
  @ApiOkResponse({ description: 'Atom 1.0 (RFC 4287); ETag, Cache-Control: public, max-age' })
  @ApiResponse(NOT_MODIFIED)
  @ApiProblems({ status: 422, description: '未知街道 / unknown street' })
  async feed(@Query() q: PublicFeedQueryDto, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const street = knownStreet(q.streetId);
    const answer = await this.cache.get(`feed:${street?.id ?? 'all'}`, async () => {
      const now = new Date();
      const catalog = defaultCatalog();
      const rows = await this.whistles.list(this.dataSource, { publicOnly: true, streetId: street?.id, statuses: ['RESOLVED'], limit: FEED_ITEMS });
      const items = rows.map((r) => anonymiseWhistle(r.view, catalog, now)).filter((w): w is PublicWhistle => !!w);
      const xml = resolvedWhistlesAtom(items, { base: this.base, street, updated: now });
      return { body: xml, contentType: 'application/atom+xml; charset=utf-8', maxAgeSeconds: this.seconds };
    });
    sendCacheable(request, reply, answer);
  }
}
