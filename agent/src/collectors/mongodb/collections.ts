import type { Document } from 'mongodb';
import type { AreaContext } from './area';
import { MONITOR_READ_PREFERENCE, runCommand } from './client';
import { asRecord, num, toPlain } from './plain';
import type { MongodbRow } from './sections';

/** $collStats of one collection, summed over its shards. */
export type CollStats = NonNullable<MongodbRow<'collections'>['storage']>;

/**
 * https://www.mongodb.com/docs/manual/reference/command/listCollections/
 * https://www.mongodb.com/docs/manual/reference/operator/aggregation/collStats/
 * Collections and views with their options (validators and view pipelines are schema, so they are kept), and each
 * collection's storage statistics from a `$collStats` stage: the stage reads statistics, never documents.
 */
export const listCollectionsCommand = Object.freeze({ listCollections: 1, nameOnly: false, authorizedCollections: false });
export const collStatsPipeline = Object.freeze([{ $collStats: { storageStats: { scale: 1 } } }]);

/** A database with many thousands of collections would take longer than one collection's deadline; later runs get the rest. */
export const MAX_COLLECTIONS_PER_DATABASE = 2000;

export interface CollectionEntry {
  db: string;
  name: string;
  type: string;
  options: unknown;
}

export async function listCollections(ctx: AreaContext, db: string): Promise<CollectionEntry[]> {
  const reply = await runCommand(ctx.db(db), listCollectionsCommand, ctx.timeoutMs);
  const batch = (asRecord(reply.cursor).firstBatch ?? []) as Document[];
  return batch
    .filter((c) => typeof c.name === 'string')
    .slice(0, MAX_COLLECTIONS_PER_DATABASE)
    .map((c) => ({ db, name: c.name as string, type: typeof c.type === 'string' ? c.type : 'collection', options: toPlain(c.options ?? {}) }));
}

/** Storage stats of one collection; on a sharded cluster `$collStats` returns one document per shard, summed here. */
export async function collectCollStats(ctx: AreaContext, db: string, collection: string): Promise<CollStats> {
  const docs = await ctx
    .db(db)
    .collection(collection)
    .aggregate(collStatsPipeline.map((s) => ({ ...s })), { maxTimeMS: ctx.timeoutMs, readPreference: MONITOR_READ_PREFERENCE })
    .toArray();
  const sum = (field: string): number | null => {
    const values = docs.map((d) => num(asRecord(d.storageStats)[field])).filter((v): v is number => v !== null);
    return values.length ? values.reduce((a, b) => a + b, 0) : null;
  };
  const indexSizes: Record<string, number> = {};
  for (const d of docs) {
    for (const [name, size] of Object.entries(asRecord(asRecord(d.storageStats).indexSizes))) {
      indexSizes[name] = (indexSizes[name] ?? 0) + (num(size) ?? 0);
    }
  }
  const first = asRecord(docs[0]?.storageStats);
  return {
    db,
    collection,
    shards: docs.map((d) => d.shard).filter((s): s is string => typeof s === 'string'),
    size: sum('size'),
    count: sum('count'),
    storageSize: sum('storageSize'),
    freeStorageSize: sum('freeStorageSize'),
    totalIndexSize: sum('totalIndexSize'),
    totalSize: sum('totalSize'),
    nindexes: num(first.nindexes),
    capped: first.capped === true,
    maxSize: num(first.maxSize),
    indexSizes,
  };
}
