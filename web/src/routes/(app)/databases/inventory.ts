import type { TargetView } from '$lib/api';

export type SortKey = 'targetId' | 'engine' | 'version' | 'health' | 'lastSeen';

export interface InventoryView {
  search: string;
  engine: string;
  health: string;
  sort: SortKey;
  descending: boolean;
}

const HEALTH_ORDER: Record<string, number> = { failing: 0, stale: 1, unknown: 2, healthy: 3 };

function sortValue(t: TargetView, key: SortKey): string | number {
  if (key === 'health') return HEALTH_ORDER[t.health] ?? 9;
  if (key === 'lastSeen') return t.lastSeen ? Date.parse(t.lastSeen) : 0;
  return (t[key] ?? '').toString().toLowerCase();
}

/** The inventory as the operator asked to see it: searched (id, agent, version, tags), filtered, sorted. */
export function visibleTargets(targets: readonly TargetView[], v: InventoryView): TargetView[] {
  const q = v.search.trim().toLowerCase();
  const rows = targets.filter(
    (t) =>
      (!v.engine || t.engine === v.engine) &&
      (!v.health || t.health === v.health) &&
      (!q || [t.targetId, t.agentId ?? '', t.version ?? '', ...Object.entries(t.tags).map(([k, val]) => `${k}:${val}`)].some((s) => s.toLowerCase().includes(q))),
  );
  const dir = v.descending ? -1 : 1;
  return rows.sort((a, b) => {
    const x = sortValue(a, v.sort);
    const y = sortValue(b, v.sort);
    return (x < y ? -1 : x > y ? 1 : a.targetId.localeCompare(b.targetId)) * dir;
  });
}
