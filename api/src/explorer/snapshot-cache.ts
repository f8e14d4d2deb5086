import type { Kysely } from 'kysely';
import { latestSnapshotVersion, latestSnapshotWithVersion, type Database, type SnapshotKind, type StoredItem, type StoredItems } from '@logstag/store';

/** A snapshot's items parsed once: all of them and by type, each list in `type:name` order (the listings' cursor order). */
export interface ParsedSnapshot {
  ts: Date;
  items: readonly StoredItem[];
  byType: ReadonlyMap<string, readonly StoredItem[]>;
}

const orderKey = (i: StoredItem) => `${i.type}:${i.name}`;

function parse(ts: Date, stored: StoredItems): ParsedSnapshot {
  const items = Object.values(stored)
    .map((i) => ({ key: orderKey(i), i }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((x) => x.i);
  const byType = new Map<string, StoredItem[]>();
  for (const i of items) {
    const list = byType.get(i.type);
    if (list) list.push(i);
    else byType.set(i.type, [i]);
  }
  return { ts, items, byType };
}

/**
 * The newest snapshot of a target and kind, parsed, kept per process. The Schema Explorer reads a snapshot page by
 * page and type by type (tens of requests for a large schema), and each request re-read and re-parsed the whole
 * snapshot: a cluster of 47 databases took 2.4 MB of page and seconds to paint. Every read still asks the store for the
 * newest snapshot's time and row version (one index probe), so a new snapshot, or statistics refreshed in place, is
 * served at once; only the items are reused. Keyed by organization, target and kind: nothing crosses tenants.
 */
export class SnapshotCache {
  private readonly entries = new Map<string, { version: string; snapshot: ParsedSnapshot }>();
  constructor(private readonly maxEntries = 32) {}

  async latest(db: Kysely<Database>, organizationId: string, targetId: string, kind: SnapshotKind): Promise<ParsedSnapshot | undefined> {
    const key = JSON.stringify([organizationId, targetId, kind]);
    const stamp = await latestSnapshotVersion(db, organizationId, targetId, kind);
    if (!stamp) {
      this.entries.delete(key);
      return undefined;
    }
    const hit = this.entries.get(key);
    const versionOf = (ts: Date, version: string) => `${ts.toISOString()}/${version}`;
    if (hit && hit.version === versionOf(stamp.ts, stamp.version)) {
      // Most recently used last, so the oldest is evicted first.
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.snapshot;
    }
    const row = await latestSnapshotWithVersion(db, organizationId, targetId, kind);
    if (!row) return undefined;
    const ts = new Date(row.ts as unknown as string | Date);
    const snapshot = parse(ts, row.items as StoredItems);
    this.entries.delete(key);
    this.entries.set(key, { version: versionOf(ts, row.version), snapshot });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    return snapshot;
  }
}
