import type { Document } from 'mongodb';
import type { CollectorStep, StepOutput } from '../step';
import { collectCollStats, listCollections, type CollStats, type CollectionEntry } from './collections';
import { collectDbStats, listDatabases, SYSTEM_DATABASES } from './databases';
import { indexRows, indexUsage, listIndexes, type IndexUsage } from './indexes';
import { CLUSTER_MONITOR, type MongodbContext } from './step-context';
import type { MongodbData, MongodbRow } from './sections';

interface DatabaseContext extends MongodbContext {
  database: string;
}
interface CollectionContext extends MongodbContext {
  entry: CollectionEntry;
}

/** The steps run per database and per collection on the schema walk, each optional: one refused stays one error. */
const DB_STATS: CollectorStep<DatabaseContext, MongodbRow<'databases'>> = {
  name: 'dbStats',
  category: 'schema',
  required: false,
  ...CLUSTER_MONITOR,
  run: (ctx) => collectDbStats(ctx, ctx.database),
};
const COLLECTIONS: CollectorStep<DatabaseContext, CollectionEntry[]> = {
  name: 'collections',
  category: 'schema',
  required: false,
  ...CLUSTER_MONITOR,
  run: (ctx) => listCollections(ctx, ctx.database),
};
const COLL_STATS: CollectorStep<CollectionContext, CollStats> = {
  name: 'collStats',
  category: 'schema',
  required: false,
  ...CLUSTER_MONITOR,
  run: (ctx) => collectCollStats(ctx, ctx.entry.db, ctx.entry.name),
};
const INDEXES: CollectorStep<CollectionContext, Document[]> = {
  name: 'indexes',
  category: 'schema',
  required: false,
  ...CLUSTER_MONITOR,
  run: (ctx) => listIndexes(ctx, ctx.entry.db, ctx.entry.name),
};
const INDEX_STATS: CollectorStep<CollectionContext, Map<string, IndexUsage>> = {
  name: 'indexStats',
  category: 'schema',
  required: false,
  ...CLUSTER_MONITOR,
  run: (ctx) => indexUsage(ctx, ctx.entry.db, ctx.entry.name),
};

/** Databases (the required step's own command), then per application database its collections, storage stats and indexes. */
export async function walkSchema(ctx: MongodbContext, out: StepOutput<MongodbData>): Promise<void> {
  const databases = await listDatabases(ctx);
  const dbRows: Array<MongodbRow<'databases'>> = [];
  const collections: Array<MongodbRow<'collections'>> = [];
  const indexes: Array<MongodbRow<'indexes'>> = [];
  for (const database of databases) {
    ctx.signal.throwIfAborted();
    const inDatabase: DatabaseContext = { ...ctx, database: database.name };
    const stats = await out.run(DB_STATS, inDatabase);
    dbRows.push({ name: database.name, sizeOnDisk: database.sizeOnDisk, empty: database.empty, ...(stats ?? {}) });
    if (SYSTEM_DATABASES.has(database.name)) continue;
    for (const entry of (await out.run(COLLECTIONS, inDatabase)) ?? []) {
      ctx.signal.throwIfAborted();
      if (entry.name.startsWith('system.')) continue;
      const inCollection: CollectionContext = { ...ctx, entry };
      const storage = entry.type === 'collection' ? ((await out.run(COLL_STATS, inCollection)) ?? null) : null;
      collections.push({ db: entry.db, name: entry.name, type: entry.type, options: entry.options, storage });
      if (entry.type !== 'collection' || !out.enabled('indexes')) continue;
      const definitions = (await out.run(INDEXES, inCollection)) ?? [];
      const usage = (await out.run(INDEX_STATS, inCollection)) ?? null;
      const sizes = (storage?.indexSizes ?? {}) as Record<string, number>;
      indexes.push(...indexRows(entry.db, entry.name, definitions, usage, sizes));
    }
  }
  out.add({ data: { databases: dbRows, collections, indexes } });
}
