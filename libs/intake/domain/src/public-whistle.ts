import type { Catalog } from '@chuishao/catalog';
import type { AssignmentStatus, Level } from '@chuishao/contracts';
import type { WhistleStatus, WhistleView } from './whistle-view-model';

/**
 * 公示公开 (contract §13): what the public may see of a whistle. Built by {@link anonymiseWhistle}
 * only, from an allow-list: nothing typed by a person reaches it.
 */
export type PublicProgress = 'DONE' | 'IN_PROGRESS' | 'LATE' | 'WITHDRAWN';

export interface PublicWhistle {
  id: string;
  /** The situation's catalog name — never the street's free-text title. */
  title: string;
  situation: { code: string; name: string; nameEn: string };
  area: { code: string; name: string; nameEn: string };
  level: Level;
  status: WhistleStatus;
  /** Beichen's board colour: DONE green, IN_PROGRESS yellow, LATE red; WITHDRAWN grey. */
  progress: PublicProgress;
  street: { id: string; name: string; nameEn: string };
  /** The community (社区) as the catalog names it; null when none or not one of the street's. */
  community: { id: string; name: string } | null;
  departments: Array<{
    id: string;
    name: string;
    nameEn: string;
    role: 'LEAD' | 'ASSIST';
    status: AssignmentStatus;
    summonedAt: string;
    reportedAt: string | null;
    arrivedAt: string | null;
    completedAt: string | null;
  }>;
  deadlines: { reportBy: string | null; arriveBy: string | null; completeBy: string | null };
  createdAt: string;
  updatedAt: string;
}

const OPEN_ASSIGNMENT: readonly AssignmentStatus[] = ['SUMMONED', 'REPORTED', 'ARRIVED', 'IN_PROGRESS', 'DISPUTED'];
const DONE: readonly WhistleStatus[] = ['COMPLETED', 'RESOLVED'];

/** A whistle is public once triaged (it has a level); one withdrawn before triage never is. */
export function isPublic(view: WhistleView): boolean {
  return view.level !== null && view.level !== undefined;
}

/**
 * The board colour of a whistle at `now`: done once the lead department completed; late while open
 * with a recorded missed deadline or an unmet deadline already past; in progress otherwise.
 */
export function publicProgress(view: WhistleView, now: Date): PublicProgress {
  if (view.status === 'WITHDRAWN') return 'WITHDRAWN';
  if (DONE.includes(view.status)) return 'DONE';
  const at = now.toISOString();
  for (const a of view.assignments) {
    if (!OPEN_ASSIGNMENT.includes(a.status)) continue;
    if (a.overdue.length > 0) return 'LATE';
    const unmet = [a.reportedAt ? null : a.deadlines.reportBy, a.arrivedAt ? null : a.deadlines.arriveBy, a.deadlines.completeBy];
    if (unmet.some((d) => d !== null && d < at)) return 'LATE';
  }
  return 'IN_PROGRESS';
}

/**
 * The one anonymisation of a whistle for the public (board, public API, Open311 without a key,
 * the Atom feed, the resident's feedback page). Pure. Undefined when the whistle is not public yet.
 *
 * Rules (docs/public.md): an allow-list of fields — situation, area, level, status, progress,
 * street, community, the departments (catalog names, their times), deadlines and dates. Never the
 * title or description (free text: the situation's name stands for the title), the address line,
 * coordinates, attachments, hints, requested departments, results, reasons (withdrawal, reopening,
 * override, disputes, extensions), feedback or comments. The community is the finest location, and
 * only a community the catalog lists under the whistle's street.
 */
export function anonymiseWhistle(view: WhistleView, catalog: Catalog, now: Date): PublicWhistle | undefined {
  if (!isPublic(view)) return undefined;
  const situation = catalog.situation(view.situationCode);
  const area = catalog.area(view.area);
  const street = catalog.street(view.streetId);
  const communityId = view.location?.communityId;
  const community = communityId ? catalog.community(view.streetId, communityId) : undefined;
  return {
    id: view.id,
    title: situation?.name ?? view.situationCode,
    situation: { code: view.situationCode, name: situation?.name ?? view.situationCode, nameEn: situation?.nameEn ?? view.situationCode },
    area: { code: view.area, name: area?.name ?? view.area, nameEn: area?.nameEn ?? view.area },
    level: view.level as Level,
    status: view.status,
    progress: publicProgress(view, now),
    street: { id: view.streetId, name: street?.name ?? '', nameEn: street?.nameEn ?? '' },
    community: community ? { id: community.id, name: community.name } : null,
    departments: view.assignments.map((a) => {
      const d = catalog.department(a.departmentId);
      return {
        id: a.departmentId,
        name: d?.name ?? '',
        nameEn: d?.nameEn ?? '',
        role: a.role,
        status: a.status,
        summonedAt: a.summonedAt,
        reportedAt: a.reportedAt,
        arrivedAt: a.arrivedAt,
        completedAt: a.completedAt,
      };
    }),
    deadlines: { reportBy: view.deadlines.reportBy, arriveBy: view.deadlines.arriveBy, completeBy: view.deadlines.completeBy },
    createdAt: view.createdAt,
    updatedAt: view.updatedAt,
  };
}
