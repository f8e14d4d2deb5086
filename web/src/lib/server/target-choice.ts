import type { ApiClient, TargetView } from '$lib/api';

/** Pages of 200; an inventory past 10 000 targets is searched no further. */
const MAX_PAGES = 50;

/** One target by id, paging through the inventory (the API has no single-target route). */
export async function findTarget(api: ApiClient, targetId: string, first?: { items: TargetView[]; nextCursor: string | null }): Promise<TargetView | undefined> {
  let page = first ?? (await api.inventory());
  for (let i = 0; i < MAX_PAGES; i++) {
    const hit = page.items.find((t) => t.targetId === targetId);
    if (hit || !page.nextCursor) return hit;
    page = await api.inventory(page.nextCursor);
  }
  return undefined;
}

/** The explorers work on one target: `?target=` if it exists, else the first one of the inventory. */
export async function chooseTarget(api: ApiClient, url: URL): Promise<{ targets: TargetView[]; target: TargetView | null }> {
  const first = await api.inventory();
  const wanted = url.searchParams.get('target');
  const target = (wanted ? await findTarget(api, wanted, first) : undefined) ?? first.items[0] ?? null;
  // The picker lists the first page, plus the chosen target when it lies beyond it.
  const targets = target && !first.items.includes(target) ? [target, ...first.items] : first.items;
  return { targets, target };
}
