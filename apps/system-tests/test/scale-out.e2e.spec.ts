import { TestStack } from '../src/harness';
import { runScaleOut, scaleOutTable } from '../src/scale-out';

/**
 * Issue #28's scale-out proof, short: two instances of each consumer service, CHUISHAO_SCALE_WHISTLES
 * whistles at CHUISHAO_SCALE_RATE a second (default 600 at 20/s; `npm run scale`: 5,000 at 50/s)
 * after 3 rounds of recurring sites, one instance of each SIGKILLed half-way (src/scale-out.ts):
 * every whistle triaged and dispatched exactly once, every RED report deadline judged exactly once
 * by two schedulers, then one; triage's recurring counts right while it shares its group (ADR
 * 0017, counted in the database by both instances); the rebalance seen in the survivors' metrics.
 */
describe('scale-out: two instances of each consumer service, one of each SIGKILLed under load', () => {
  const stack = new TestStack('scale_out', { KAFKA_PARTITIONS: '4' });
  beforeAll(() => stack.start(), 180_000);
  afterAll(() => stack.stop());

  it('shares the work and loses nothing, twice nothing', async () => {
    const whistles = Number(process.env.CHUISHAO_SCALE_WHISTLES ?? 600);
    const rate = Number(process.env.CHUISHAO_SCALE_RATE ?? 20);
    const result = await runScaleOut(stack, { whistles, rate, sites: 10, log: (l) => process.stdout.write(`[scale] ${l}\n`) });
    process.stdout.write(`\n${scaleOutTable(result)}\n\n`);
    expect(result.accepted).toBe(whistles + 30);
    expect(result.rows.filter((r) => r.found !== r.expected)).toEqual([]);
  }, 1_200_000);
});
