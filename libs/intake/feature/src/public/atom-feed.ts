import { Feed } from 'feed';
import type { PublicWhistle } from '@chuishao/intake-domain';

/**
 * The Atom feed of resolved whistles (公示公开): one entry per whistle the street confirmed,
 * newest first, built from the public view only. Links use the configured public base URL.
 */
export function resolvedWhistlesAtom(items: readonly PublicWhistle[], opts: { base: string; street?: { id: string; name: string; nameEn: string }; updated: Date }): string {
  const self = `${opts.base}/api/v1/public/feed.atom${opts.street ? `?streetId=${opts.street.id}` : ''}`;
  const where = opts.street ? `${opts.street.name} / ${opts.street.nameEn}` : '全区 / District';
  const feed = new Feed({
    id: `urn:chuishao:public:resolved:${opts.street?.id ?? 'all'}`,
    title: `吹哨报到 · 已解决哨件 — ${where}`,
    description: '街道已确认解决的哨件（公示公开，不含个人信息）/ Whistles the street confirmed resolved (public, no personal data)',
    link: `${opts.base}/public`,
    language: 'zh-CN',
    updated: items[0] ? new Date(items[0].updatedAt) : opts.updated,
    copyright: '和平区吹哨报到指挥中心 / Heping District whistle-and-report command center',
    feedLinks: { atom: self },
  });
  for (const w of items) {
    const place = [w.street.name, w.community?.name].filter(Boolean).join(' · ');
    const departments = w.departments.filter((d) => d.status !== 'REASSIGNED').map((d) => `${d.name}${d.role === 'LEAD' ? '（牵头）' : ''}`).join('、');
    feed.addItem({
      id: `urn:uuid:${w.id}`,
      title: `${w.situation.name} · ${place}`,
      link: `${opts.base}/api/v1/public/whistles/${w.id}`,
      date: new Date(w.updatedAt),
      published: new Date(w.createdAt),
      description: `${w.area.name} · ${w.level} · 已解决 / resolved${departments ? ` · 处置部门 ${departments}` : ''}`,
    });
  }
  return feed.atom1();
}
