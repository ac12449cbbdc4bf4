import { dueNotices, stageOf, type NoticeStage, type OpenDeadline } from './deadline-notices';

const now = new Date('2026-03-02T08:00:00Z');
const at = (minutes: number) => new Date(now.getTime() + minutes * 60_000);
const deadline = (minutes: number, kind: OpenDeadline['kind'] = 'REPORT', assignmentId = 'a1'): OpenDeadline => ({ assignmentId, whistleId: 'w1', title: '消防通道被占用', kind, dueAt: at(minutes) });

describe('deadline notices of the alerts stream', () => {
  it.each([
    [45, undefined],
    [30, '30'],
    [11, '30'],
    [10, '10'],
    [0.5, '10'],
    [0, 'missed'],
    [-20, 'missed'],
  ])('a deadline %s minutes away is in stage %s', (minutes, stage) => {
    expect(stageOf(at(minutes), now)).toBe(stage);
  });

  it('announces each deadline once per stage, as it reaches 30 and 10 minutes and when missed', () => {
    const sent = new Map<string, NoticeStage>();
    const d = deadline(31);
    const stages: string[] = [];
    for (const minutesLater of [0, 1, 2, 15, 21, 25, 31, 32]) {
      const notices = dueNotices([d], sent, new Date(now.getTime() + minutesLater * 60_000));
      stages.push(...notices.map((n) => `${minutesLater}:${n.stage}:${n.minutesLeft}`));
    }
    expect(stages).toEqual(['1:30:30', '21:10:10', '31:missed:0']);
  });

  it('says only the latest stage to a stream opened late, and tells kinds and assignments apart', () => {
    const sent = new Map<string, NoticeStage>();
    const notices = dueNotices([deadline(5), deadline(5, 'ARRIVE'), deadline(-3, 'REPORT', 'a2'), deadline(50, 'COMPLETE')], sent, now);
    expect(notices.map((n) => [n.assignmentId, n.kind, n.stage])).toEqual([
      ['a1', 'REPORT', '10'],
      ['a1', 'ARRIVE', '10'],
      ['a2', 'REPORT', 'missed'],
    ]);
    expect(notices[0]).toMatchObject({ whistleId: 'w1', title: '消防通道被占用', dueAt: at(5).toISOString(), minutesLeft: 5 });
    expect(dueNotices([deadline(5), deadline(-3, 'REPORT', 'a2')], sent, now)).toEqual([]);
  });
});
