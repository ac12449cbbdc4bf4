/**
 * The performance mechanisms that a run can switch off, for one purpose: measuring each of them
 * side by side with the code without it (`npm run bench -- --compare`, issue #27). Every mechanism
 * is on unless `CHUISHAO_TUNING_OFF` names it; the behaviour is the same either way, only the cost
 * differs. A mechanism that does not pay for itself (docs/benchmarks.md) is removed, not left off.
 * Each name says where it lives and which ADR gave it.
 */
export const TUNINGS = {
  /** intake's blows share one statement and commit (postgres GroupCommitter; ADRs 0005, 0007, 0010). */
  'group-commit': 'ADR 0005',
  /** the messages of one fetch share one transaction (messaging BatchTransactions; ADR 0005). */
  'consumer-batches': 'ADR 0005',
  /** the partitions of one fetch share their topic's transaction (ADR 0014). */
  'shared-transaction': 'ADR 0014',
  /** statements prepared once per connection (postgres PreparingClient; ADRs 0007, 0011). */
  'prepared-statements': 'ADR 0007',
  /** the relay woken in-process by its own process's commits, not by NOTIFY (ADR 0013). */
  'in-process-wake': 'ADR 0013',
  /** the relay publishes rows handed over at commit without reading them back (ADR 0019). */
  handover: 'ADR 0019',
  /** the relay deletes published rows with its next read, not a statement of their own (ADR 0009). */
  'deferred-deletes': 'ADR 0009',
  /** kafkajs 2.2.4's idle timer loop patched away (ADR 0009). */
  'kafkajs-idle-patch': 'ADR 0009',
  /** triage counts recurring sites in memory while alone in its group (ADR 0017). */
  'recurring-index': 'ADR 0017',
  /** dispatch summons from the briefs it wrote, held in memory (ADR 0018). */
  'brief-cache': 'ADR 0018',
} as const;

export type Tuning = keyof typeof TUNINGS;

/** The mechanisms `value` (a comma-separated list) switches off; an unknown name is an error. */
export function parseTuningOff(value: string | undefined): ReadonlySet<Tuning> {
  const names = (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = names.filter((n) => !(n in TUNINGS));
  if (unknown.length > 0) throw new Error(`CHUISHAO_TUNING_OFF: unknown ${unknown.join(', ')} (known: ${Object.keys(TUNINGS).join(', ')})`);
  return new Set(names as Tuning[]);
}

let off: ReadonlySet<Tuning> | undefined;

/** Whether `name` is on in this process (read once from `CHUISHAO_TUNING_OFF`). */
export function tuned(name: Tuning): boolean {
  off ??= parseTuningOff(process.env.CHUISHAO_TUNING_OFF);
  return !off.has(name);
}
