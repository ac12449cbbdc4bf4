import { counter, histogram } from '@chuishao/platform';

export const triagedTotal = counter('chuishao_whistles_triaged_total', 'Whistles triaged, by level and policy version', ['level', 'policy_version']);
export const countedTotal = counter(
  'chuishao_triage_recurring_counts_total',
  "Whistles whose recurring neighbours triage counted, by where: memory (its index of sites, as the group's only member) or database (the sites statement)",
  ['source'],
);
/**
 * Triage's decision for a batch's whistles, observed once a whistle: the recurring counts (from the
 * in-memory index of sites, or the statement that records the sites and counts in the database; ADR
 * 0017), the policy in force, the five rules. What a consumer stage of any service also does (the
 * Kafka fetch, the inbox rows, the append with its outbox rows, the commit) is not in it;
 * chuishao_consumer_batch_seconds has the whole batch.
 */
const DECISION_BUCKETS = [0.00025, 0.0005, 0.00075, 0.001, 0.00125, 0.0015, 0.00175, 0.002, 0.003, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];
const decisionSeconds = histogram(
  'chuishao_triage_decision_seconds',
  "Triage's decision, per whistle: its batch's recurring counts (in memory, or the sites and counts statement), the policy in force and the rules (not the append, inbox rows or commit)",
  [],
  DECISION_BUCKETS,
);
/**
 * The same decision in CPU time (the process's, from getrusage: its main thread's work with any
 * garbage collection in it, and what its helper threads ran meanwhile), without the time it waited
 * for a core: on a machine whose cores are all busy, the scheduler can suspend the thread in the
 * middle of it, which the wall time above counts.
 */
const decisionCpuSeconds = histogram(
  'chuishao_triage_decision_cpu_seconds',
  "Triage's decision, per whistle, in the process's CPU time: the same work as chuishao_triage_decision_seconds without the time it waited for a core",
  [],
  DECISION_BUCKETS,
);

/** Observes the decision of a batch of `n` whistles that began at `started` (hrtime) and `cpuStarted`. */
export function observeDecision(n: number, started: bigint, cpuStarted: NodeJS.CpuUsage): void {
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuStarted);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  for (let k = 0; k < n; k++) {
    decisionSeconds.observe(seconds);
    decisionCpuSeconds.observe(cpuSeconds);
  }
}
