import type { Document } from 'mongodb';
import { shapeOfDocument } from '../../privacy/shape';
import { redundancy, type IndexShape } from '../redundant-indexes';
import type { AreaContext } from './area';
import { MONITOR_READ_PREFERENCE, runCommand } from './client';
import { asRecord, num, toPlain } from './plain';
import type { MongodbRow } from './sections';

/**
 * https://www.mongodb.com/docs/manual/reference/command/listIndexes/
 * https://www.mongodb.com/docs/manual/reference/operator/aggregation/indexStats/
 * Index definitions, and their usage since the server (or the index) started from a `$indexStats` stage. An index
 * with zero accesses is flagged unused (`_id_` never is: it cannot be dropped). A partial index's filter is schema but
 * holds literal values (`{beds: {$gt: 3}}`), so only its shape is sent.
 */
export const listIndexesCommand = (collection: string) => ({ listIndexes: collection });
export const indexStatsPipeline = Object.freeze([{ $indexStats: {} }]);

export interface IndexUsage {
  ops: number;
  since: string | null;
  key: unknown;
}

export async function listIndexes(ctx: AreaContext, db: string, collection: string): Promise<Document[]> {
  const reply = await runCommand(ctx.db(db), listIndexesCommand(collection), ctx.timeoutMs);
  return (asRecord(reply.cursor).firstBatch ?? []) as Document[];
}

/** Usage per index name; a sharded collection answers once per shard, so accesses are summed and the oldest `since` kept. */
export async function indexUsage(ctx: AreaContext, db: string, collection: string): Promise<Map<string, IndexUsage>> {
  const docs = await ctx
    .db(db)
    .collection(collection)
    .aggregate(indexStatsPipeline.map((s) => ({ ...s })), { maxTimeMS: ctx.timeoutMs, readPreference: MONITOR_READ_PREFERENCE })
    .toArray();
  const usage = new Map<string, IndexUsage>();
  for (const d of docs) {
    if (typeof d.name !== 'string') continue;
    const accesses = asRecord(d.accesses);
    const since = accesses.since instanceof Date ? accesses.since.toISOString() : null;
    const prev = usage.get(d.name);
    usage.set(d.name, {
      ops: (prev?.ops ?? 0) + (num(accesses.ops) ?? 0),
      since: prev?.since && since ? (prev.since < since ? prev.since : since) : (prev?.since ?? since),
      key: prev?.key ?? toPlain(d.key ?? null),
    });
  }
  return usage;
}

/** One row per index, from the union of listIndexes and $indexStats (either may be unavailable). */
export function indexRows(
  db: string,
  collection: string,
  definitions: Document[],
  usage: Map<string, IndexUsage> | null,
  sizes: Record<string, number>,
): Array<MongodbRow<'indexes'>> {
  const rows: Array<MongodbRow<'indexes'>> = [];
  const names = new Set<string>();
  for (const def of definitions) {
    if (typeof def.name !== 'string') continue;
    names.add(def.name);
    rows.push(row(db, collection, def.name, def, usage, sizes));
  }
  for (const [name, u] of usage ?? []) {
    if (!names.has(name)) rows.push(row(db, collection, name, { key: u.key }, usage, sizes));
  }
  const duplicateOf = redundancy(rows.map(shapeOf));
  return rows.map((r, i) => ({ ...r, duplicateOf: duplicateOf[i] ?? [] }));
}

/**
 * The shared duplicate rule (redundant-indexes.ts) over a MongoDB index: a key part is a field and its direction or
 * type. Only ascending/descending keys serve left prefixes (not text, hashed or geo keys); sparse, hidden, TTL and
 * collation must be equal. A partial index is never compared: only its filter's shape is known, not its values.
 */
function shapeOf(r: MongodbRow<'indexes'>): IndexShape {
  const key = asRecord(r.key);
  const entries = Object.entries(key);
  return {
    group: JSON.stringify([r.db, r.collection]),
    name: String(r.name),
    parts: entries.map(([field, direction]) => JSON.stringify([field, direction])),
    extra: JSON.stringify([r.sparse, r.hidden, r.expireAfterSeconds, r.collationLocale]),
    included: [],
    unique: r.unique === true,
    primary: r.name === '_id_',
    prefixServes: entries.every(([, direction]) => direction === 1 || direction === -1),
    comparable: entries.length > 0 && r.partialFilterExpressionShape === null,
  };
}

function row(db: string, collection: string, name: string, def: Document, usage: Map<string, IndexUsage> | null, sizes: Record<string, number>): MongodbRow<'indexes'> {
  const u = usage?.get(name);
  const locale = asRecord(def.collation).locale;
  return {
    db,
    collection,
    name,
    key: toPlain(def.key ?? null),
    unique: def.unique === true,
    sparse: def.sparse === true,
    hidden: def.hidden === true,
    expireAfterSeconds: num(def.expireAfterSeconds),
    partialFilterExpressionShape: def.partialFilterExpression ? shapeOfDocument(def.partialFilterExpression) : null,
    collationLocale: typeof locale === 'string' ? locale : null,
    version: num(def.v),
    sizeBytes: sizes[name] ?? null,
    accessesOps: u ? u.ops : null,
    accessesSince: u ? u.since : null,
    // Unknown (null) when $indexStats did not answer: no usage data is not the same as no usage.
    unused: u ? u.ops === 0 && name !== '_id_' : null,
  };
}
