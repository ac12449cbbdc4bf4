import type { Catalog } from '@chuishao/catalog';
import type { ProgressRow } from '../board/board.repository';

export interface ProgressCounts {
  done: number;
  inProgress: number;
  late: number;
}

export interface StreetProgress extends ProgressCounts {
  id: string;
  name: string;
  nameEn: string;
  communities: Array<ProgressCounts & { id: string | null; name: string }>;
}

const zero = (): ProgressCounts => ({ done: 0, inProgress: 0, late: 0 });
const add = (to: ProgressCounts, r: ProgressRow) => {
  to.done += r.done;
  to.late += r.late;
  to.inProgress += r.open - r.late;
};

/**
 * Beichen's green/yellow/red board by street and community: every street of the catalog (zeros
 * included, in catalog order), its communities with whistles, and "未注明社区" for whistles
 * without a community of that street (a community id the catalog does not list is not published).
 */
export function progressByStreet(rows: readonly ProgressRow[], catalog: Catalog): { totals: ProgressCounts; streets: StreetProgress[] } {
  const totals = zero();
  const streets = catalog.streets.map<StreetProgress>((s) => ({ id: s.id, name: s.name, nameEn: s.nameEn, ...zero(), communities: [] }));
  for (const r of rows) {
    const street = streets.find((s) => s.id === r.street_id);
    if (!street) continue;
    add(totals, r);
    add(street, r);
    const community = r.community_id ? catalog.community(r.street_id, r.community_id) : undefined;
    const id = community?.id ?? null;
    let bucket = street.communities.find((c) => c.id === id);
    if (!bucket) street.communities.push((bucket = { id, name: community?.name ?? '未注明社区', ...zero() }));
    add(bucket, r);
  }
  for (const s of streets) s.communities.sort((a, b) => (a.id === null ? 1 : b.id === null ? -1 : a.name.localeCompare(b.name, 'zh-CN')));
  return { totals, streets };
}
