import fc from 'fast-check';
import { defaultCatalog } from '@chuishao/catalog';
import { anonymiseWhistle, isPublic, publicProgress, type PublicWhistle } from './public-whistle';
import type { AssignmentView, WhistleView } from './whistle-view-model';

const catalog = defaultCatalog();
const street = catalog.streets[0];
const community = street.communities[0];
const situation = catalog.situation('FIRE_LANE_BLOCKED')!;
const NOW = new Date('2026-11-25T12:00:00.000Z');

function assignment(extra: Partial<AssignmentView> = {}): AssignmentView {
  return {
    id: 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa',
    departmentId: situation.leadDepartment,
    role: 'LEAD',
    status: 'REPORTED',
    summonedAt: '2026-11-25T08:00:00.000Z',
    reportedAt: '2026-11-25T08:10:00.000Z',
    arrivedAt: null,
    completedAt: null,
    result: null,
    deadlines: { reportBy: '2026-11-25T08:15:00.000Z', arriveBy: '2026-11-25T20:30:00.000Z', completeBy: '2026-11-26T08:00:00.000Z' },
    overdue: [],
    extensions: [],
    ...extra,
  };
}

function view(extra: Partial<WhistleView> = {}): WhistleView {
  return {
    id: 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb',
    streetId: street.id,
    situationCode: situation.code,
    area: situation.area,
    title: '早餐车占用消防通道',
    description: '液化气罐距一楼窗户不足两米',
    location: { address: '福缘里 3 号', normalisedAddress: '福缘里3号', communityId: community.id, lat: 39.1207, lng: 117.2008 },
    requestedDepartments: [],
    hints: { lifeSafety: false, householdsAffected: null },
    attachments: [],
    status: 'IN_PROGRESS',
    level: 'RED',
    triage: { level: 'RED', policyVersion: 1, rules: ['base'], reasons: [{ rule: 'base', zh: '基础等级', en: 'base level' }] },
    deadlines: { reportBy: null, arriveBy: '2026-11-25T20:30:00.000Z', completeBy: '2026-11-26T08:00:00.000Z' },
    assignments: [assignment()],
    feedback: null,
    escalations: 0,
    createdAt: '2026-11-25T07:59:00.000Z',
    updatedAt: '2026-11-25T08:10:00.000Z',
    version: 4,
    ...extra,
  };
}

/** Every key path of a JSON value (arrays collapse to []). */
function keyPaths(value: unknown, prefix = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((v) => keyPaths(v, `${prefix}[]`));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => [`${prefix}.${k}`, ...keyPaths(v, `${prefix}.${k}`)]);
  return [];
}

const HOSTILE = [
  '13812345678', // mobile
  '１３８１２３４５６７８', // the same in full-width digits
  '138-1234-5678',
  '022-23456789', // Tianjin landline
  '11010519491231002X', // ID card
  '１１０１０５１９４９１２３１００２Ｘ',
  '和平区福缘里3号楼2单元501室',
  '张三',
  'resident@example.com',
  'https://files.example.gov.cn/p/1.jpg',
];

describe('anonymiseWhistle (公示公开, the one anonymisation)', () => {
  it('publishes the allow-list only: situation as the title, community, catalog names, dates', () => {
    const out = anonymiseWhistle(view(), catalog, NOW)!;
    expect(out).toEqual<PublicWhistle>({
      id: 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb',
      title: situation.name,
      situation: { code: situation.code, name: situation.name, nameEn: situation.nameEn },
      area: { code: situation.area, name: catalog.area(situation.area)!.name, nameEn: catalog.area(situation.area)!.nameEn },
      level: 'RED',
      status: 'IN_PROGRESS',
      progress: 'IN_PROGRESS',
      street: { id: street.id, name: street.name, nameEn: street.nameEn },
      community: { id: community.id, name: community.name },
      departments: [
        {
          id: situation.leadDepartment,
          name: catalog.department(situation.leadDepartment)!.name,
          nameEn: catalog.department(situation.leadDepartment)!.nameEn,
          role: 'LEAD',
          status: 'REPORTED',
          summonedAt: '2026-11-25T08:00:00.000Z',
          reportedAt: '2026-11-25T08:10:00.000Z',
          arrivedAt: null,
          completedAt: null,
        },
      ],
      deadlines: { reportBy: null, arriveBy: '2026-11-25T20:30:00.000Z', completeBy: '2026-11-26T08:00:00.000Z' },
      createdAt: '2026-11-25T07:59:00.000Z',
      updatedAt: '2026-11-25T08:10:00.000Z',
    });
    expect(keyPaths(out).filter((p) => /title|description|address|lat|lng|attachment|photo|media|name|phone|comment|reason|result|hints|feedback/i.test(p)).sort()).toEqual(
      ['.area.name', '.area.nameEn', '.community.name', '.departments[].name', '.departments[].nameEn', '.situation.name', '.situation.nameEn', '.street.name', '.street.nameEn', '.title'].sort(),
    );
  });

  it('hostile inputs — phone and ID-card numbers (also full-width), addresses, names, e-mail typed anywhere — never come out', () => {
    for (const bad of HOSTILE) {
      const hostile = view({
        title: `早餐车 ${bad} 占道`,
        description: `联系人 ${bad}`,
        location: { address: bad, normalisedAddress: bad, communityId: community.id, lat: 39.1, lng: 117.2 },
        attachments: [{ url: bad, kind: 'photo' }],
        triage: { level: 'RED', policyVersion: 1, rules: [], reasons: [], overridden: { from: 'BLUE', reason: bad } },
        assignments: [assignment({ result: bad, extensions: [{ requestId: 'x', kind: 'ARRIVE', until: NOW.toISOString(), reason: bad, dueAt: NOW.toISOString(), requestedAt: NOW.toISOString(), status: 'DENIED', decidedAt: null, decisionReason: bad }] })],
        feedback: { status: 'GIVEN', expiresAt: NOW.toISOString(), requestEventId: 'e', rating: 'DISSATISFIED', score: 0 },
      });
      const json = JSON.stringify(anonymiseWhistle(hostile, catalog, NOW));
      expect(json).not.toContain(bad);
      expect(json).not.toContain(bad.normalize('NFKC'));
      // no run of 7+ digits outside the UUIDs: no phone, landline or ID number
      expect(json.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '')).not.toMatch(/[\d\uFF10-\uFF19]{7,}/);
    }
  });

  it('property: no free-text or personal field has any influence on the output', () => {
    const text = fc.string({ unit: 'grapheme', maxLength: 200 });
    const base = anonymiseWhistle(view(), catalog, NOW);
    fc.assert(
      fc.property(
        fc.record({
          title: text,
          description: text,
          address: text,
          lat: fc.option(fc.double({ min: -90, max: 90, noNaN: true })),
          lng: fc.option(fc.double({ min: -180, max: 180, noNaN: true })),
          url: text,
          result: fc.option(text),
          reason: text,
          households: fc.option(fc.nat()),
          lifeSafety: fc.boolean(),
          rating: fc.constantFrom('SATISFIED', 'BASICALLY_SATISFIED', 'DISSATISFIED' as const),
        }),
        (r) => {
          const hostile = view({
            title: r.title,
            description: r.description,
            location: { address: r.address, normalisedAddress: r.address, communityId: community.id, lat: r.lat, lng: r.lng },
            attachments: [{ url: r.url, kind: 'photo' }],
            hints: { lifeSafety: r.lifeSafety, householdsAffected: r.households },
            requestedDepartments: [situation.leadDepartment],
            triage: { level: 'RED', policyVersion: 1, rules: [], reasons: [], overridden: { from: 'BLUE', reason: r.reason } },
            assignments: [assignment({ result: r.result })],
            feedback: { status: 'GIVEN', expiresAt: NOW.toISOString(), requestEventId: 'e', rating: r.rating, score: 0 },
            escalations: 3,
          });
          expect(anonymiseWhistle(hostile, catalog, NOW)).toEqual(base);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('property: a community outside the whistle’s street, or made up, is not published', () => {
    const otherStreetCommunity = catalog.streets[1].communities[0].id;
    fc.assert(
      fc.property(fc.oneof(fc.uuid(), fc.string(), fc.constant(otherStreetCommunity)), (communityId) => {
        const out = anonymiseWhistle(view({ location: { address: 'x', normalisedAddress: 'x', communityId, lat: null, lng: null } }), catalog, NOW)!;
        expect(out.community).toBeNull();
      }),
    );
  });

  it('a whistle is public once triaged; withdrawn shows as withdrawn, without its reason', () => {
    expect(anonymiseWhistle(view({ status: 'BLOWN', level: null, triage: null, assignments: [] }), catalog, NOW)).toBeUndefined();
    expect(anonymiseWhistle(view({ status: 'WITHDRAWN', level: null, triage: null, assignments: [] }), catalog, NOW)).toBeUndefined();
    expect(isPublic(view({ status: 'TRIAGED', assignments: [] }))).toBe(true);
    const withdrawn = anonymiseWhistle(view({ status: 'WITHDRAWN' }), catalog, NOW)!;
    expect(withdrawn).toMatchObject({ status: 'WITHDRAWN', progress: 'WITHDRAWN' });
    expect(JSON.stringify(withdrawn)).not.toMatch(/reason/i);
  });

  it('progress: done (green), in progress (yellow), late (red)', () => {
    expect(publicProgress(view({ status: 'COMPLETED' }), NOW)).toBe('DONE');
    expect(publicProgress(view({ status: 'RESOLVED' }), NOW)).toBe('DONE');
    expect(publicProgress(view(), NOW)).toBe('IN_PROGRESS');
    expect(publicProgress(view({ assignments: [assignment({ overdue: [{ kind: 'REPORT', dueAt: '2026-11-25T08:15:00.000Z' }] })] }), NOW)).toBe('LATE');
    expect(publicProgress(view({ assignments: [assignment({ reportedAt: null })] }), NOW)).toBe('LATE'); // report was due 08:15
    expect(publicProgress(view({ assignments: [assignment({ status: 'CLOSED', reportedAt: null })] }), NOW)).toBe('IN_PROGRESS');
    expect(publicProgress(view(), new Date('2026-11-26T09:00:00.000Z'))).toBe('LATE'); // complete by 11-26 08:00
  });
});
