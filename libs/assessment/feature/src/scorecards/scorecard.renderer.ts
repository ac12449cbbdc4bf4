import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import { Logger } from '@nestjs/common';
import type { Queryable } from '@chuishao/postgres';
import { parsePeriod, policyFor, type Period, type ScoringPolicy } from '@chuishao/assessment-domain';
import { counter, gauge, ProblemException } from '@chuishao/platform';
import { closingOf, type Closing } from '../periods/closed-periods';
import { scoringPolicyVersions } from '../policy/scoring-policy.repository';
import { buildScorecard, type ScorecardResult } from './scorecard.reader';
import { attachmentDisposition, explainedWhistles, scorecardCsv, scorecardXlsx } from './scorecard.export';
import { whistleNames } from '../export/spreadsheet';
import { ByteLru, effectiveAsOf, scorecardCacheKey, type RenditionForHttp, type ScorecardFormat } from './scorecard-cache';
import { readWatermark } from './scorecard-watermark';
import { scorecardJson } from './scorecard-json';
import { readStoredVersion, type StoredScorecard } from './scorecard-versions';

const gzipAsync = promisify(gzipCallback);

export type CacheOutcome = 'hit' | 'miss' | 'bypass';

const cacheRequests = counter('chuishao_assessment_scorecard_cache_requests_total', 'Scorecard requests by cache outcome: hit, miss (computed and stored), bypass (not cacheable: asOf = now of an open period, or the cache is off)', [
  'result',
  'format',
] as const);
const cacheEvictions = counter('chuishao_assessment_scorecard_cache_evictions_total', 'Cached scorecards dropped: lru (to make room), stale (the watermark moved: a new fact)', ['reason'] as const);
const cacheBytes = gauge('chuishao_assessment_scorecard_cache_bytes', 'Bytes held by the scorecard rendition cache (bodies and their gzip)');
const cacheEntries = gauge('chuishao_assessment_scorecard_cache_entries', 'Scorecard renditions held by the cache');

export interface ScorecardRequest {
  period: string;
  /** The requested asOf (validated by the caller); undefined = now. */
  asOf?: Date;
  format: ScorecardFormat;
  explain: boolean;
  departmentId?: string;
  /** A department reading its own scorecard (contract §11): its row only, with its explanations. */
  onlyDepartment?: string;
  /** A stored version of a closed period (contract §11); undefined = the latest. */
  version?: number;
}

/** A rendered scorecard: the exact response bytes and what HTTP needs to send them ({@link httpAnswer}). */
export interface ScorecardRendition extends RenditionForHttp {
  /** sha-1 of `body` (base64url) when the answer is settled (it can be revalidated); null for asOf = now of an open period. */
  hash: string | null;
  cache: CacheOutcome;
  /** The effective asOf (ISO). */
  asOf: string;
  /**
   * The gzip of `body` once computed (cached renditions only; computed once, asynchronously, off
   * the event loop). The first call starts it and returns undefined.
   */
  gzip(): Buffer | undefined;
}

export interface ScorecardRendererOptions {
  /** Byte budget of the cache (bodies plus their gzip); 0 disables caching. */
  maxBytes: number;
  tz: string;
  /** Clock (tests). */
  now?: () => Date;
  /** Bodies shorter than this are never gzipped. */
  gzipMinBytes?: number;
}

interface Entry {
  key: string;
  watermark: string;
  body: Buffer;
  contentType: string;
  disposition?: string;
  hash: string;
  asOf: string;
  gz?: Buffer;
  gzipping?: Promise<void>;
}

const KEY_OVERHEAD_BYTES = 1024;
const entryBytes = (e: Entry) => e.body.length + (e.gz?.length ?? 0) + KEY_OVERHEAD_BYTES;
const sha1 = (body: Buffer) => createHash('sha1').update(body).digest('base64url');

/**
 * Renders scorecards — JSON, CSV or XLSX bytes — and keeps the renditions of settled answers
 * (ADR 0008): a closed period (frozen at its closing) or an explicit asOf in the past. A cached
 * rendition is served while the period's watermark ({@link readWatermark}) is the one it was
 * computed under, so it is always what a fresh computation would return. The HTTP controller and
 * the benchmark both go through {@link render}.
 */
export class ScorecardRenderer {
  private readonly log = new Logger('ScorecardRenderer');
  private readonly lru: ByteLru<Entry>;
  private readonly inflight = new Map<string, Promise<Entry>>();
  private readonly now: () => Date;
  private readonly gzipMinBytes: number;

  constructor(
    private readonly db: Queryable,
    private readonly opts: ScorecardRendererOptions,
  ) {
    this.lru = new ByteLru<Entry>(opts.maxBytes, () => cacheEvictions.inc({ reason: 'lru' }));
    this.now = opts.now ?? (() => new Date());
    this.gzipMinBytes = opts.gzipMinBytes ?? 1024;
  }

  get enabled(): boolean {
    return this.opts.maxBytes > 0;
  }

  /** Entries and bytes held (operators, tests). */
  stats(): { entries: number; bytes: number; capacity: number } {
    return { entries: this.lru.size, bytes: this.lru.bytes, capacity: this.lru.capacity };
  }

  /** The scorecard as the HTTP answer's bytes; from the cache when it is settled and nothing changed since. */
  async render(req: ScorecardRequest): Promise<ScorecardRendition> {
    const period = parsePeriod(req.period);
    if (!period) throw new Error(`invalid period ${req.period}`);
    const [{ versions }, closing] = await Promise.all([scoringPolicyVersions(this.db), closingOf(this.db, period)]);
    const now = this.now();
    const { asOf, settled } = effectiveAsOf(req.asOf, now, closing);
    // the version in force at the period's start, among those published by asOf (contract §12)
    const policy = policyFor(period, asOf, versions, this.opts.tz);
    // a closed period amended after appeals: its stored versions, the latest by default (contract §11)
    if (closing && asOf.getTime() === closing.closedAt.getTime()) {
      const stored = await readStoredVersion(this.db, period.key, req.version);
      if (stored) return this.storedRendition(stored, req, policy);
    }
    if (req.version !== undefined && req.version !== 1) {
      throw ProblemException.notFound(`考核期 ${period.key} 没有第 ${req.version} 版考核表 / no version ${req.version} of the scorecard of ${period.key}`);
    }
    const explain = req.explain;
    const departmentId = explain ? (req.onlyDepartment ?? req.departmentId) : undefined;
    const compute = () => this.compute(period, req, now, closing ?? null, policy);

    if (!settled) {
      const r = await compute();
      cacheRequests.inc({ result: 'bypass', format: req.format });
      return { ...r, hash: null, cache: 'bypass', cacheable: false, asOf: asOf.toISOString(), gzip: () => undefined };
    }
    // read before the data (see readWatermark)
    const watermark = await readWatermark(this.db, period, asOf);
    if (!this.enabled) {
      const r = await compute();
      cacheRequests.inc({ result: 'bypass', format: req.format });
      return { ...r, hash: sha1(r.body), cache: 'bypass', cacheable: false, asOf: asOf.toISOString(), gzip: () => undefined };
    }
    const key = scorecardCacheKey({
      period: period.key,
      asOf,
      closedAt: closing?.closedAt ?? null,
      policyVersion: policy.version,
      explain,
      departmentId,
      format: req.format,
      timeZone: this.opts.tz,
      onlyDepartment: req.onlyDepartment,
    });
    const cached = this.lru.get(key);
    if (cached && cached.watermark === watermark) {
      cacheRequests.inc({ result: 'hit', format: req.format });
      return this.rendition(cached, 'hit');
    }
    if (cached) {
      this.lru.delete(key);
      cacheEvictions.inc({ reason: 'stale' });
      this.updateGauges();
    }
    // concurrent misses of one answer compute it once
    const flight = `${key}\n${watermark}`;
    let pending = this.inflight.get(flight);
    if (!pending) {
      pending = compute().then((r): Entry => ({ ...r, key, watermark, hash: sha1(r.body), asOf: asOf.toISOString() }));
      this.inflight.set(flight, pending);
      pending.then(
        (entry) => {
          this.inflight.delete(flight);
          this.lru.set(key, entry, entryBytes(entry));
          this.updateGauges();
        },
        () => this.inflight.delete(flight),
      );
    }
    const entry = await pending;
    cacheRequests.inc({ result: 'miss', format: req.format });
    return this.rendition(entry, 'miss');
  }

  /**
   * Fills the cache with the default answer of a period (JSON, every explanation) and its gzip, in
   * the background: returns at once; a failure is only logged. Called after a period is closed.
   */
  warm(periodKey: string): void {
    if (!this.enabled) return;
    setImmediate(() => void this.warmOne(periodKey));
  }

  /** Warms these periods one after the other (not all at once: each rendering is large); never throws. */
  async warmAll(periodKeys: readonly string[]): Promise<void> {
    if (!this.enabled) return;
    for (const key of periodKeys) await this.warmOne(key);
  }

  private async warmOne(periodKey: string): Promise<void> {
    const started = process.hrtime.bigint();
    try {
      const r = await this.render({ period: periodKey, format: 'json', explain: true });
      r.gzip();
      this.log.log(`warmed the scorecard of ${periodKey} as of ${r.asOf}: ${r.body.length} bytes (${r.cache}) in ${Math.round(Number(process.hrtime.bigint() - started) / 1e6)} ms`);
    } catch (err) {
      this.log.warn(`warming the scorecard of ${periodKey} failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** A stored version, seen as the request asks (one department's row, explanations or not), rendered in its format. Not cached: it is read as stored. */
  private async storedRendition(stored: StoredScorecard, req: ScorecardRequest, policy: ScoringPolicy): Promise<ScorecardRendition> {
    const explained = req.explain ? (req.onlyDepartment ?? req.departmentId) : undefined;
    const card: StoredScorecard = {
      ...stored,
      rows: stored.rows
        .filter((r) => !req.onlyDepartment || r.departmentId === req.onlyDepartment)
        .map((r) => ({ ...r, explanations: r.explanations.filter((e) => e.component === 'perception' || (req.explain && (!explained || r.departmentId === explained))) })),
      explained: req.explain,
      ...(explained ? { explainedDepartment: explained } : {}),
    };
    const r = await this.renderCard(card, req.format, policy);
    cacheRequests.inc({ result: 'bypass', format: req.format });
    return { ...r, hash: sha1(r.body), cache: 'bypass', cacheable: false, asOf: card.asOf, gzip: () => undefined };
  }

  /** Forgets every cached rendition. */
  clear(): void {
    this.lru.clear();
    this.updateGauges();
  }

  private rendition(e: Entry, cache: CacheOutcome): ScorecardRendition {
    return {
      body: e.body,
      contentType: e.contentType,
      disposition: e.disposition,
      hash: e.hash,
      cache,
      cacheable: true,
      asOf: e.asOf,
      gzip: () => this.gzipOf(e),
    };
  }

  private gzipOf(e: Entry): Buffer | undefined {
    if (e.gz || e.body.length < this.gzipMinBytes) return e.gz;
    if (!e.gzipping) {
      e.gzipping = gzipAsync(e.body).then(
        (gz) => {
          e.gz = gz;
          // account for it if the entry is still the cached one
          if (this.lru.peek(e.key) === e) this.lru.resize(e.key, entryBytes(e));
          this.updateGauges();
        },
        (err: unknown) => this.log.warn(`gzip of a cached scorecard failed: ${err instanceof Error ? err.message : String(err)}`),
      );
    }
    return undefined;
  }

  private async compute(period: Period, req: ScorecardRequest, now: Date, closing: Closing | null, policy: ScoringPolicy): Promise<{ body: Buffer; contentType: string; disposition?: string }> {
    const built = await buildScorecard(this.db, period.key, req.asOf, {
      policy,
      tz: this.opts.tz,
      now,
      closing,
      explain: req.explain,
      explainDepartment: req.onlyDepartment ?? req.departmentId,
    });
    const card = req.onlyDepartment ? { ...built, rows: built.rows.filter((r) => r.departmentId === req.onlyDepartment) } : built;
    return this.renderCard(card, req.format, policy);
  }

  private async renderCard(card: ScorecardResult, format: ScorecardFormat, policy: ScoringPolicy): Promise<{ body: Buffer; contentType: string; disposition?: string }> {
    const req = { format };
    // the spreadsheets name each whistle by its situation and street (never by its id)
    const names = req.format === 'json' ? new Map() : await whistleNames(this.db, explainedWhistles(card));
    if (req.format === 'csv') return { body: scorecardCsv(card, policy, names), contentType: 'text/csv; charset=utf-8', disposition: attachmentDisposition(card.period, 'csv') };
    if (req.format === 'xlsx') {
      return {
        body: await scorecardXlsx(card, policy, names),
        contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        disposition: attachmentDisposition(card.period, 'xlsx'),
      };
    }
    return { body: scorecardJson(card), contentType: 'application/json; charset=utf-8' };
  }

  private updateGauges(): void {
    cacheBytes.set(this.lru.bytes);
    cacheEntries.set(this.lru.size);
  }
}
