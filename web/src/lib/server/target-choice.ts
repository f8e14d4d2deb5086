import type { ApiClient, TargetView } from '$lib/api';

/** The explorers work on one target: `?target=` if it exists, else the first one of the inventory. */
export async function chooseTarget(api: ApiClient, url: URL): Promise<{ targets: TargetView[]; target: TargetView | null }> {
  const { items } = await api.inventory();
  const wanted = url.searchParams.get('target');
  return { targets: items, target: items.find((t) => t.targetId === wanted) ?? items[0] ?? null };
}
