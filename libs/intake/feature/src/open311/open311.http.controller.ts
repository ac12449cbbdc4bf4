import { createHash } from 'node:crypto';
import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res, UseFilters } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { DataSource } from 'typeorm';
import { defaultCatalog } from '@chuishao/catalog';
import { canonicalJson } from '@chuishao/event-store';
import { Public, type Principal } from '@chuishao/auth';
import { ApiOpen311Errors, ApiOpen311Key, ApiPublic, etagOf, flattenValidationErrors, matchesEtag, publicBaseUrl, publicCacheSeconds } from '@chuishao/platform';
import { anonymiseWhistle, type PublicWhistle, type WhistleView } from '@chuishao/intake-domain';
import { BlowWhistleHandler } from '../whistles/blow-whistle.handler';
import { BlowWhistleRequestDto } from '../whistles/blow-whistle.request.dto';
import { WhistleRepository } from '../whistles/whistle.repository';
import { Open311KeyVerifier } from '../open311-keys/open311-key-verifier';
import { Open311Error, formatOfUrl, type Open311Format } from './open311-error';
import { attributesOf, bool, num, str, type Fields } from './open311-fields';
import { Open311ExceptionFilter } from './open311.exception-filter';
import { CLOSED_STATUSES, presentPublicRequest, presentRequest, presentService, presentServiceDefinition } from './open311.presenter';
import { toXml, type XmlValue } from './xml';
import { Open311DiscoveryDto, Open311RequestCreatedDto, Open311ServiceDefinitionDto, Open311ServiceDto, Open311ServiceRequestDto } from './open311.docs';
import { Access, PUBLIC_ACCESS, accessOnly } from '@chuishao/auth';

/** Open311's own credential: a street's `api_key`, not a bearer token; without a working key, 403 for everyone (Open311's error shape). */
const OPEN311_KEY_ACCESS = { ...accessOnly(), note: 'Open311 api_key of a street, not a bearer token: no key → 403' };
/** The GETs of requests: public without a key (the anonymised view, contract §9), a street's full records with its key. */
const OPEN311_READ_ACCESS = { ...PUBLIC_ACCESS, note: 'no key: the public view; a street api_key: its full records' };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const OPEN_STATUSES = ['BLOWN', 'TRIAGED', 'DISPATCHED', 'IN_PROGRESS', 'COMPLETED', 'REOPENED'];
const NINETY_DAYS = 90 * 24 * 3600 * 1000;
const OPEN311_MAX_REQUESTS = 1000;
/** Changes when the service list changes (the catalog's version). */
const CHANGESET = '2026-11-25T00:00:00+08:00';

/**
 * Open311 GeoReport v2 (contract §9) over intake: the 43 call situations as services, and whistles
 * as service requests. Streets authenticate with their Open311 API key (`api_key`, issued by an admin
 * through /api/v1/open311-keys, or `npm run token -- street <id> --open311`); reading services needs no key. Answers in JSON or XML
 * by the URL's extension; errors are Open311's `[{"code","description"}]`.
 */
@ApiTags('open311 GeoReport v2')
@Public()
@ApiPublic()
@ApiProduces('application/json', 'text/xml')
@ApiOpen311Errors(400)
@UseFilters(Open311ExceptionFilter)
@Controller('open311/v2')
export class Open311HttpController {
  constructor(
    private readonly blow: BlowWhistleHandler,
    private readonly whistles: WhistleRepository,
    private readonly dataSource: DataSource,
    private readonly keys: Open311KeyVerifier,
  ) {}

  /** A public answer (no key): ETag and a short max-age (contract §13: many clients cost little); 304 when the client has it. */
  private sendPublic(req: FastifyRequest, reply: FastifyReply, format: Open311Format, root: string, value: XmlValue): string {
    const body = this.send(reply, format, root, value);
    const etag = etagOf(body);
    void reply.header('ETag', etag).header('Cache-Control', `public, max-age=${publicCacheSeconds()}`);
    if (!matchesEtag(req.headers['if-none-match'], etag)) return body;
    void reply.code(304);
    return '';
  }

  private send(reply: FastifyReply, format: Open311Format, root: string, value: XmlValue): string {
    if (format === 'xml') {
      void reply.header('content-type', 'text/xml; charset=utf-8');
      return toXml(root, value);
    }
    void reply.header('content-type', 'application/json; charset=utf-8');
    return JSON.stringify(value);
  }

  /** The street of a working `api_key` (unknown, revoked or expired → Open311's 403). */
  private async street(apiKey: unknown): Promise<Principal> {
    if (apiKey === undefined || apiKey === '') throw new Open311Error(403, '缺少 api_key / api_key was not provided');
    const check = await this.keys.check(apiKey);
    if (check.status === 'revoked') throw new Open311Error(403, 'api_key 已吊销 / This api_key has been revoked');
    if (check.status === 'expired') throw new Open311Error(403, 'api_key 已过期 / This api_key has expired');
    if (check.status !== 'active') throw new Open311Error(403, 'api_key 无效 / Invalid api_key');
    return { sub: `open311-key:${check.keyId}`, role: 'street', org: check.streetId };
  }

  /** GET's reader: a street by its api_key (its full records), or the public without one (contract §9, §13). */
  private async reader(apiKey: unknown): Promise<Principal | undefined> {
    return apiKey === undefined || apiKey === '' ? undefined : this.street(apiKey);
  }

  @Get(['discovery.json', 'discovery.xml'])
  @Access(PUBLIC_ACCESS)
  @ApiOperation({ summary: 'Open311 服务发现 / Open311 discovery' })
  @ApiOkResponse({ type: Open311DiscoveryDto })
  discovery(@Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): string {
    // the configured public base URL (CHUISHAO_PUBLIC_BASE_URL), never the request's Host or X-Forwarded-Host
    const base = `${publicBaseUrl()}/open311/v2`;
    return this.send(reply, formatOfUrl(req.url), 'discovery', {
      changeset: CHANGESET,
      contact: '和平区吹哨报到指挥中心 / Heping District whistle-and-report command center',
      key_service: '街道 API key 由系统管理员签发与吊销（POST /api/v1/open311-keys）/ Street API keys are issued and revoked by the administrator (POST /api/v1/open311-keys)',
      endpoints: [
        { specification: 'http://wiki.open311.org/GeoReport_v2', url: base, changeset: CHANGESET, type: 'production', formats: ['application/json', 'text/xml'] },
      ],
    });
  }

  @Get(['services.json', 'services.xml'])
  @Access(PUBLIC_ACCESS)
  @ApiOperation({ summary: '服务列表：43 项呼叫情形，按呼叫领域分组 / Services: the 43 call situations, grouped by area' })
  @ApiOkResponse({ type: [Open311ServiceDto] })
  services(@Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): string {
    return this.send(reply, formatOfUrl(req.url), 'services', defaultCatalog().situations.map(presentService));
  }

  @Get('services/:file')
  @Access(PUBLIC_ACCESS)
  @ApiOperation({ summary: '服务定义（可选属性）/ Service definition (optional attributes)' })
  @ApiParam({ name: 'file', example: 'FIRE_LANE_BLOCKED.json', description: '<service_code>.json 或 .xml' })
  @ApiOkResponse({ type: Open311ServiceDefinitionDto })
  @ApiOpen311Errors(404)
  definition(@Param('file') file: string, @Res({ passthrough: true }) reply: FastifyReply): string {
    const m = /^(.+)\.(json|xml)$/.exec(file);
    if (!m) throw new Open311Error(404, '请使用 .json 或 .xml / use .json or .xml');
    const situation = defaultCatalog().situation(m[1]);
    if (!situation) throw new Open311Error(404, `未知的 service_code / service_code not found: ${m[1]}`);
    return this.send(reply, m[2] as Open311Format, 'service_definition', presentServiceDefinition(situation));
  }

  @Post(['requests.json', 'requests.xml'])
  @Access(OPEN311_KEY_ACCESS)
  @HttpCode(201)
  @ApiOperation({
    summary: '提交服务请求（= 吹哨）/ Create a service request (= blow a whistle)',
    description:
      '表单或 JSON。必填 api_key、service_code，以及 address_string 或 lat+long；description 前 120 字作标题（无描述时用服务名称）。同一街道当天（北京时间）提交完全相同的请求视为重试，返回同一编号（200）。姓名、电话、邮箱等个人信息不保存。' +
      ' / Form or JSON. Required: api_key, service_code, and address_string or lat+long; the first 120 characters of description become the title (else the service name). An identical request from the same street on the same day (Asia/Shanghai) is a retry and answers the same id (200). Names, phone numbers and e-mail are not stored.',
  })
  @ApiConsumes('application/x-www-form-urlencoded', 'application/json')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['api_key', 'service_code'],
      properties: {
        api_key: { type: 'string', example: 'o311.Y2RkODA0YzYt....' },
        service_code: { type: 'string', example: 'FIRE_LANE_BLOCKED' },
        description: { type: 'string', example: '福缘里小区通道被早餐车占用，液化气罐距窗户不足两米' },
        address_string: { type: 'string', example: '和平区劝业场街道福缘里 3 号楼' },
        lat: { type: 'number', example: 39.1207 },
        long: { type: 'number', example: 117.2008 },
        'attribute[life_safety]': { type: 'string', example: 'false' },
        'attribute[households_affected]': { type: 'number', example: 80 },
        media_url: { type: 'string', example: 'https://files.example.gov.cn/p/1.jpg' },
      },
    },
  })
  @ApiOpen311Key()
  @ApiResponse({ status: 201, type: [Open311RequestCreatedDto], description: '已吹哨 / created (a retry of the same request the same day: 200 with the same id)' })
  @ApiOpen311Errors(422)
  async create(@Req() req: FastifyRequest, @Body() body: unknown, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const format = formatOfUrl(req.url);
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new Open311Error(400, '请求体须为表单或 JSON 对象 / The body must be a form or a JSON object');
    }
    const fields = body as Fields;
    const principal = await this.street(fields['api_key']);
    const code = str(fields['service_code'], 'service_code');
    if (!code) throw new Open311Error(400, '缺少 service_code / service_code was not provided');
    const situation = defaultCatalog().situation(code);
    if (!situation) throw new Open311Error(400, `未知的 service_code / service_code not found: ${code}`);
    const lat = num(fields['lat'], 'lat');
    const lng = num(fields['long'], 'long');
    const address = str(fields['address_string'], 'address_string')?.trim();
    if (!address && (lat === undefined || lng === undefined)) {
      throw new Open311Error(400, '须提供 address_string 或 lat 与 long / address_string or lat and long is required');
    }
    const description = (str(fields['description'], 'description') ?? '').trim();
    const attributes = attributesOf(fields);
    const lifeSafety = bool(attributes['life_safety'], 'attribute[life_safety]');
    const households = num(attributes['households_affected'], 'attribute[households_affected]');
    const mediaUrl = str(fields['media_url'], 'media_url');
    const title = (description ? [...description].slice(0, 120).join('') : situation.name).trim();

    const dto = plainToInstance(BlowWhistleRequestDto, {
      situationCode: code,
      title,
      description,
      location: { address: address || `坐标 / coordinates ${lat},${lng}`, ...(lat !== undefined ? { lat } : {}), ...(lng !== undefined ? { lng } : {}) },
      ...(lifeSafety !== undefined || households !== undefined
        ? { hints: { ...(lifeSafety !== undefined ? { lifeSafety } : {}), ...(households !== undefined ? { householdsAffected: households } : {}) } }
        : {}),
      ...(mediaUrl ? { attachments: [{ url: mediaUrl, kind: 'photo' }] } : {}),
    });
    const problems = flattenValidationErrors(await validate(dto, { whitelist: true, forbidNonWhitelisted: true }));
    if (problems.length) {
      const open311Names: Record<string, string> = {
        title: 'description',
        description: 'description',
        'location.address': 'address_string',
        'location.lat': 'lat',
        'location.lng': 'long',
        'hints.householdsAffected': 'attribute[households_affected]',
        'attachments[0].url': 'media_url',
      };
      throw new Open311Error(400, problems.map((p) => `${open311Names[p.field] ?? p.field}: ${p.message}`).join('; '));
    }
    // Retries of the same request by the same street on the same day answer the same whistle.
    const day = new Intl.DateTimeFormat('en-CA', { timeZone: process.env['CHUISHAO_TZ'] || 'Asia/Shanghai' }).format(new Date());
    const key = `open311:${day}:${createHash('sha256').update(canonicalJson(dto)).digest('hex')}`;
    const result = await this.blow.handle(principal, key, dto, 'open311');
    void reply.status(result.status);
    return this.send(reply, format, 'service_requests', [
      {
        service_request_id: result.body.id,
        service_notice: `已受理，哨件编号 ${result.body.id}；街道与区指挥中心将按红黄蓝分级调度 / Received as whistle ${result.body.id}; the district will triage and dispatch it`,
        account_id: null,
      },
    ]);
  }

  @Get(['requests.json', 'requests.xml'])
  @Access(OPEN311_READ_ACCESS)
  @ApiOperation({
    summary: '查询服务请求：无 api_key 为公开（脱敏）视图，有 api_key 为本街道完整记录 / Service requests: the public (anonymised) view without api_key, the street’s full records with it',
    description:
      '无 api_key：全区已分级的请求，公开视图（无描述、地址、坐标、图片；address 为街道与社区）。有 api_key：本街道的完整记录。筛选：service_request_id（逗号分隔）、service_code、status（open|closed）、start_date、end_date；未给编号与日期时为最近 90 天；最多 1000 条，新的在前。' +
      ' / Without api_key: every triaged request, public view (no description, address line, coordinates or media; address = street and community). With a street’s api_key: its full records. Filters: service_request_id (comma list), service_code, status (open|closed), start_date, end_date; without ids or dates, the last 90 days; at most 1000, newest first.',
  })
  @ApiOpen311Key({ optional: true })
  @ApiOkResponse({ type: [Open311ServiceRequestDto] })
  @ApiQuery({ name: 'service_request_id', required: false })
  @ApiQuery({ name: 'service_code', required: false })
  @ApiQuery({ name: 'status', required: false, enum: ['open', 'closed'] })
  @ApiQuery({ name: 'start_date', required: false, example: '2026-11-01T00:00:00+08:00' })
  @ApiQuery({ name: 'end_date', required: false, example: '2026-12-01T00:00:00+08:00' })
  async requests(@Req() req: FastifyRequest, @Query() query: Record<string, unknown>, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const principal = await this.reader(query['api_key']);
    const ids = str(query['service_request_id'], 'service_request_id')?.split(',').map((s) => s.trim()).filter(Boolean);
    if (ids?.some((id) => !UUID.test(id))) throw new Open311Error(400, 'service_request_id 须为哨件编号（UUID）/ service_request_id must be whistle ids (UUIDs)');
    const codes = str(query['service_code'], 'service_code')?.split(',').map((s) => s.trim()).filter(Boolean);
    const status = str(query['status'], 'status')?.split(',').map((s) => s.trim());
    if (status?.some((s) => s !== 'open' && s !== 'closed')) throw new Open311Error(400, 'status 只能是 open 或 closed / status must be open or closed');
    const date = (name: string) => {
      const v = str(query[name], name);
      if (v === undefined) return undefined;
      if (Number.isNaN(Date.parse(v)) || !/^\d{4}-\d{2}-\d{2}/.test(v)) throw new Open311Error(400, `${name} 须为 ISO 8601 时间 / ${name} must be an ISO 8601 date-time`);
      return new Date(v).toISOString();
    };
    let from = date('start_date');
    const to = date('end_date');
    if (!ids && !from && !to) from = new Date(Date.now() - NINETY_DAYS).toISOString();
    const statuses = status && !(status.includes('open') && status.includes('closed')) ? (status.includes('open') ? OPEN_STATUSES : [...CLOSED_STATUSES]) : undefined;
    const rows = await this.whistles.list(this.dataSource, {
      ...(principal ? { streetId: principal.org } : { publicOnly: true }),
      ids,
      situationCodes: codes,
      statuses,
      from,
      to,
      limit: OPEN311_MAX_REQUESTS,
    });
    if (!principal) return this.sendPublic(req, reply, formatOfUrl(req.url), 'service_requests', this.publicRequests(rows.map((r) => r.view)));
    return this.send(reply, formatOfUrl(req.url), 'service_requests', rows.map((r) => presentRequest(r.view)));
  }

  private publicRequests(views: readonly WhistleView[]): Array<Record<string, XmlValue>> {
    const now = new Date();
    const catalog = defaultCatalog();
    return views.map((v) => anonymiseWhistle(v, catalog, now)).filter((w): w is PublicWhistle => !!w).map(presentPublicRequest);
  }

  @Get('requests/:file')
  @Access(OPEN311_READ_ACCESS)
  @ApiOperation({
    summary: '查询单个服务请求 / One service request',
    description: '无 api_key：公开视图（已分级的请求）；有 api_key：本街道请求的完整记录。 / Without api_key: the public view (triaged requests); with a street’s api_key: its own request in full.',
  })
  @ApiParam({ name: 'file', example: '2b7c1f0e-8a55-4a3e-9a43-4c8f5f0f6a01.json' })
  @ApiOpen311Key({ optional: true })
  @ApiOkResponse({ type: [Open311ServiceRequestDto] })
  @ApiOpen311Errors(404)
  async request(@Req() req: FastifyRequest, @Param('file') file: string, @Query() query: Record<string, unknown>, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const m = /^(.+)\.(json|xml)$/.exec(file);
    if (!m) throw new Open311Error(404, '请使用 .json 或 .xml / use .json or .xml');
    const principal = await this.reader(query['api_key']);
    if (!UUID.test(m[1])) throw new Open311Error(404, `未知的 service_request_id / service_request_id not found: ${m[1]}`);
    const view = await this.whistles.find(this.dataSource, m[1]);
    if (!view) throw new Open311Error(404, `未知的 service_request_id / service_request_id not found: ${m[1]}`);
    if (!principal) {
      const [pub] = this.publicRequests([view]);
      if (!pub) throw new Open311Error(404, `未知的 service_request_id / service_request_id not found: ${m[1]}`);
      return this.sendPublic(req, reply, m[2] as Open311Format, 'service_requests', [pub]);
    }
    if (view.streetId !== principal.org) throw new Open311Error(403, '该请求不属于本街道 / This request belongs to another street');
    return this.send(reply, m[2] as Open311Format, 'service_requests', [presentRequest(view)]);
  }
}

