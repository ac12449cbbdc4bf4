import { formatAudit, parseAuditArgs, SERVICE_SCHEMAS } from './audit';

describe('npm run audit', () => {
  it('verifies all four services by default; --schema narrows, --json switches the output', () => {
    expect(parseAuditArgs([])).toEqual({ schemas: [...SERVICE_SCHEMAS], json: false, kafka: false });
    expect(parseAuditArgs(['--schema', 'dispatch,triage', '--json', '--kafka'])).toEqual({ schemas: ['dispatch', 'triage'], json: true, kafka: true });
    expect(parseAuditArgs(['--schema=assessment'])).toEqual({ schemas: ['assessment'], json: false, kafka: false });
  });

  it('refuses what it does not know, in Chinese and English', () => {
    expect(parseAuditArgs(['--schema', 'public'])).toBe('未知的服务 schema / unknown schema: public');
    expect(parseAuditArgs(['--schema'])).toMatch(/unknown schema/);
    expect(parseAuditArgs(['--fix'])).toBe('未知的参数 / unknown argument: --fix');
  });

  it('reports each schema, each broken stream with its first bad position, and a verdict', () => {
    const intact = { schema: 'triage', streams: 3, events: 5, bad: [], badCount: 0, orphanEvents: 0, seconds: 0.04 };
    const broken = {
      schema: 'dispatch',
      streams: 9,
      events: 30,
      bad: [{ streamId: 'assignment-1', valid: false, length: 3, firstBadPosition: 2, reason: 'hash 与事件内容不符 / hash does not match the event content' }],
      badCount: 4,
      orphanEvents: 0,
      seconds: 0.1,
    };
    const report = formatAudit([intact, broken], ['assessment']);
    expect(report.split('\n')).toEqual([
      '✓ triage: 3 个事件流、5 个事件，哈希链完好 / 3 streams, 5 events, every chain holds (0.0 s)',
      '✗ dispatch: 9 个事件流、30 个事件，4 个事件流的哈希链被破坏 / 9 streams, 30 events, 4 broken (0.1 s)',
      '    assignment-1 第 2 个事件 / at event 2: hash 与事件内容不符 / hash does not match the event content',
      '    …… 另有 3 个 / and 3 more',
      '- assessment: 没有这个 schema（服务尚未迁移）/ no such schema (the service has not migrated yet)',
      '结论：存储的事件被改动过 / Verdict: stored events were altered',
    ]);
    expect(formatAudit([intact], [])).toMatch(/every stored event is intact$/);
  });

  it('adds the ledgers: how many whistles and copies, and each whistle whose ledger does not verify', () => {
    const intact = { schema: 'intake', streams: 2, events: 2, bad: [], badCount: 0, orphanEvents: 0, seconds: 0 };
    const clean = { whistles: 2, events: 6, bad: [], badCount: 0, seconds: 0.01 };
    expect(formatAudit([intact], [], clean).split('\n').slice(1)).toEqual([
      '✓ 审计账本 ledger: 2 个哨件、6 个事件副本，与原件一致 / 2 whistles, 6 copies, all match their originals (0.0 s)',
      '结论：所有存储的事件完好 / Verdict: every stored event is intact',
    ]);
    const reason = "该事件与 dispatch 自身存储的原件不符 / the event differs from dispatch's own stored original";
    const altered = { ...clean, bad: [{ streamId: 'w-1', valid: false, length: 3, firstBadPosition: 3, reason }], badCount: 1 };
    expect(formatAudit([intact], [], altered).split('\n').slice(1)).toEqual([
      '✗ 审计账本 ledger: 2 个哨件、6 个事件副本，1 个哨件的账本不符 / 2 whistles, 6 copies, 1 do not verify (0.0 s)',
      `    哨件 whistle w-1 第 3 个事件 / at event 3: ${reason}`,
      '结论：存储的事件被改动过 / Verdict: stored events were altered',
    ]);
  });
});
