import { counter, gauge, histogram, metricsRegistry } from './metrics';

describe('metric factories', () => {
  it('are idempotent by name and register in the process registry', async () => {
    const a = counter('test_things_total', 'things', ['kind']);
    const b = counter('test_things_total', 'things', ['kind']);
    expect(a).toBe(b);
    a.inc({ kind: 'x' });
    expect(histogram('test_latency_seconds', 'latency')).toBe(histogram('test_latency_seconds', 'latency'));
    expect(gauge('test_level', 'level')).toBe(gauge('test_level', 'level'));
    expect(await metricsRegistry.metrics()).toContain('test_things_total{kind="x"');
  });

  it('refuse a name already used by another metric type', () => {
    counter('test_clash', 'c');
    expect(() => histogram('test_clash', 'h')).toThrow(/another type/);
  });
});
