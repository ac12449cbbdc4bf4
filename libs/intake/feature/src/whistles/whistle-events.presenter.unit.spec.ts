import { chainHash, GENESIS_HASH, verifyChain } from '@chuishao/event-store';
import type { Principal } from '@chuishao/auth';
import { presentLedgerEvent, REDACTED, type LedgerEventView } from './whistle-events.presenter';

const W = '2b7c1f0e-8a55-4a3e-9a43-4c8f5f0f6a01';
const STREET = 'street-1';
const FIRE = 'dept-fire';
const POLICE = 'dept-police';

/** A chained stream as intake stores it: hash = SHA-256(prevHash + canonical JSON). */
function chain(events: Array<Pick<LedgerEventView, 'type' | 'actor' | 'data'>>): LedgerEventView[] {
  let prev = GENESIS_HASH;
  return events.map((e, i) => {
    const body = { eventId: `00000000-0000-4000-8000-00000000000${i}`, type: e.type, position: i + 1, occurredAt: `2026-12-01T0${i}:00:00.000Z`, actor: e.actor, data: e.data };
    const hash = chainHash(prev, body);
    const out = { ...body, source: 'dispatch', hash, prevHash: prev };
    prev = hash;
    return out;
  });
}

const reply = (type: string, departmentId: string, name: string) => ({
  type,
  actor: { role: 'department', org: departmentId, sub: `${departmentId}-clerk` },
  data: { whistleId: W, assignmentId: `a-${departmentId}`, departmentId, replyId: 'r', at: null, receivedAt: '2026-12-01T01:00:00.000Z', by: { name }, note: '已到场', channel: 'http' },
});
const stream = chain([
  { type: 'WhistleBlown', actor: { role: 'street', org: STREET, sub: 'street-clerk' }, data: { whistleId: W, title: '通道被占' } },
  reply('DepartmentReported', FIRE, '张伟'),
  reply('DepartmentArrived', POLICE, '李娜'),
  { type: 'FeedbackRequested', actor: { role: 'street', org: STREET, sub: 'street-clerk' }, data: { whistleId: W, tokenHash: 'f'.repeat(64), expiresAt: '2026-12-31T00:00:00.000Z' } },
  { type: 'FeedbackGiven', actor: { role: 'public', org: null, sub: 'resident' }, data: { whistleId: W, rating: 'DISSATISFIED', score: 0, comment: '住 3 号楼的王先生说没人来' } },
]);
const as = (role: Principal['role'], org?: string): LedgerEventView[] => stream.map((e) => presentLedgerEvent(e, { sub: 'reader', role, org }));

describe('role-aware event views (redaction)', () => {
  it.each(['command-center', 'assessment-office', 'admin'] as const)('%s sees the stream as stored', (role) => {
    expect(as(role)).toEqual(stream);
  });

  it('a department sees its own people, not another department’s, nor the feedback comment or token hash', () => {
    const [blown, fire, police, requested, given] = as('department', FIRE);
    expect(blown).toBe(stream[0]);
    expect(fire).toBe(stream[1]);
    expect(police.data).toMatchObject({ by: { name: REDACTED }, note: '已到场', departmentId: POLICE });
    expect(police.actor).toEqual({ role: 'department', org: POLICE, sub: REDACTED });
    expect(police.redacted).toEqual(['data.by.name', 'actor.sub']);
    expect(requested.data).toMatchObject({ tokenHash: REDACTED, expiresAt: '2026-12-31T00:00:00.000Z' });
    expect(given.data).toMatchObject({ comment: REDACTED, rating: 'DISSATISFIED', score: 0 });
    expect(given.redacted).toEqual(['data.comment']);
    expect(JSON.stringify(as('department', FIRE))).not.toMatch(/李娜|王先生|fffffff|dept-police-clerk/);
  });

  it('a street sees what its whistle view shows: no department people, no comment, no token hash', () => {
    const seen = as('street', STREET);
    expect(JSON.stringify(seen)).not.toMatch(/张伟|李娜|王先生|fffffff|dept-fire-clerk|dept-police-clerk/);
    expect(seen[0]).toBe(stream[0]);
    expect(seen[1].redacted).toEqual(['data.by.name', 'actor.sub']);
  });

  it('a null comment and a reply without a name hide nothing', () => {
    const [given] = chain([{ type: 'FeedbackGiven', actor: { role: 'public', org: null, sub: 'resident' }, data: { whistleId: W, rating: 'SATISFIED', score: 100, comment: null } }]);
    expect(presentLedgerEvent(given, { sub: 'x', role: 'department', org: FIRE })).toBe(given);
  });

  it('the chain stays verifiable: hashes and links unchanged, every event not redacted recomputes', () => {
    const seen = as('department', FIRE);
    expect(verifyChain(stream).valid).toBe(true);
    seen.forEach((e, i) => {
      expect([e.hash, e.prevHash]).toEqual([stream[i].hash, stream[i].prevHash]);
      if (i > 0) expect(e.prevHash).toBe(seen[i - 1].hash);
      const recomputed = chainHash(e.prevHash, e);
      expect(recomputed === e.hash).toBe(e.redacted === undefined);
    });
  });
});
