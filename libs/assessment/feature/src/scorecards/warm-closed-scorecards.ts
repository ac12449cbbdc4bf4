import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { recentlyClosedPeriods } from '../periods/closed-periods';
import { ScorecardRenderer } from './scorecard.renderer';

/** How far back closed periods are warmed at boot, and how many at most. */
const WARM_CLOSED_WITHIN_DAYS = 400;
const WARM_AT_MOST = 8;

/**
 * After a restart the rendition cache is empty: the periods closed in the last ~13 months (what the
 * assessment office and the departments still pull) get their default scorecard rendered again in
 * the background, one after the other, so the first reader does not wait for a rendering (ADR 0008).
 */
@Injectable()
export class WarmClosedScorecards implements OnApplicationBootstrap {
  constructor(
    private readonly dataSource: DataSource,
    private readonly renderer: ScorecardRenderer,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.renderer.enabled) return;
    setImmediate(() => void this.warm());
  }

  private async warm(): Promise<void> {
    const periods = await recentlyClosedPeriods(this.dataSource, WARM_CLOSED_WITHIN_DAYS, WARM_AT_MOST).catch(() => []);
    await this.renderer.warmAll(periods);
  }
}
