import { stableJson } from '../metrics/series-identity';
import type { StoredItems } from './snapshots.tables';

/**
 * One object of a configuration, access or schema snapshot. `def` is what change detection compares (structure,
 * values of settings, privileges); `stats` is shown but never compared (sizes, scan counts).
 */
export interface SnapshotItem {
  type: string;
  name: string;
  def: Record<string, unknown>;
  stats?: Record<string, unknown>;
}


export interface ItemChange {
  objectType: string;
  objectName: string;
  change: 'added' | 'removed' | 'altered';
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

export function itemKey(type: string, name: string): string {
  return `${type}:${name}`;
}

export function toStoredItems(items: SnapshotItem[]): StoredItems {
  const out: StoredItems = {};
  for (const i of items) out[itemKey(i.type, i.name)] = i.stats ? { type: i.type, name: i.name, def: i.def, stats: i.stats } : { type: i.type, name: i.name, def: i.def };
  return out;
}

/** What change detection compares: structure only (`stats` such as sizes and scan counts change on every run). */
export function digestInput(items: StoredItems): string {
  return stableJson(Object.keys(items).sort().map((k) => [k, items[k]?.def]));
}

/** Added, removed and altered objects between two snapshots of one kind. Pure. */
export function diffSnapshots(before: StoredItems, after: StoredItems): ItemChange[] {
  const changes: ItemChange[] = [];
  for (const [key, a] of Object.entries(after)) {
    const b = before[key];
    if (!b) changes.push({ objectType: a.type, objectName: a.name, change: 'added', before: null, after: a.def });
    else if (stableJson(b.def) !== stableJson(a.def)) changes.push({ objectType: a.type, objectName: a.name, change: 'altered', before: b.def, after: a.def });
  }
  for (const [key, b] of Object.entries(before)) {
    if (!(key in after)) changes.push({ objectType: b.type, objectName: b.name, change: 'removed', before: b.def, after: null });
  }
  return changes;
}
