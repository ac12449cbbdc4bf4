import { DEFAULT_TRIAGE_POLICY } from './policy';
import { triage, type TriageInput } from './triage';

/**
 * Micro-benchmark of the pure triage() the lead's pipeline benchmark times. Printed, never
 * asserted (tests assert behaviour, not timings). Run: TRIAGE_BENCH=1 npx jest -c jest.unit.config.js triage.bench
 */
const run = process.env.TRIAGE_BENCH ? it : it.skip;

describe('triage() micro-benchmark', () => {
  run('100k calls with the default policy', () => {
    const inputs: TriageInput[] = [
      { situationCode: 'FIRE_LANE_BLOCKED', area: 'JOINT_ENFORCEMENT', defaultLevel: 'BLUE', hints: { lifeSafety: false, householdsAffected: 80 }, recurringCount: 2 },
      { situationCode: 'GAS_LEAK', area: 'EMERGENCY', defaultLevel: 'BLUE', hints: { lifeSafety: true, householdsAffected: null }, recurringCount: 0 },
      { situationCode: 'STREET_VENDING', area: 'JOINT_ENFORCEMENT', defaultLevel: 'YELLOW', hints: { lifeSafety: false, householdsAffected: 10 }, recurringCount: 1 },
    ];
    for (let i = 0; i < 10_000; i++) triage(inputs[i % 3], DEFAULT_TRIAGE_POLICY); // warm-up
    const n = 100_000;
    const samples: number[] = [];
    let sink = 0;
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) {
      const t0 = i % 100 === 0 ? process.hrtime.bigint() : 0n;
      sink += triage(inputs[i % 3], DEFAULT_TRIAGE_POLICY).rules.length;
      if (t0) samples.push(Number(process.hrtime.bigint() - t0));
    }
    const totalNs = Number(process.hrtime.bigint() - start);
    samples.sort((a, b) => a - b);
    const p99 = samples[Math.floor(samples.length * 0.99)];
     
    console.log(`triage(): ${n} calls in ${(totalNs / 1e6).toFixed(1)} ms = ${(totalNs / n / 1000).toFixed(2)} µs/call; sampled p99 ${(p99 / 1000).toFixed(2)} µs (sink ${sink})`);
  });
});
