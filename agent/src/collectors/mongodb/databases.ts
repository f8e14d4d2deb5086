import type { Document } from 'mongodb';
import type { AreaContext } from './area';
import { runCommand } from './client';
import { num } from './plain';
import type { MongodbRow } from './sections';

/**
 * https://www.mongodb.com/docs/manual/reference/command/listDatabases/
 * https://www.mongodb.com/docs/manual/reference/command/dbStats/
 * The databases in scope with their sizes. dbStats runs per database (clusterMonitor's `dbStats` action).
 */
export const listDatabasesCommand = Object.freeze({ listDatabases: 1, nameOnly: false });
export const dbStatsCommand = Object.freeze({ dbStats: 1, scale: 1 });

/** Databases the server holds itself, not the application: schema collection skips their collections. */
export const SYSTEM_DATABASES = new Set(['admin', 'config', 'local']);

export interface DatabaseEntry {
  name: string;
  sizeOnDisk: number | null;
  empty: boolean | null;
}

export async function listDatabases(ctx: AreaContext): Promise<DatabaseEntry[]> {
  const reply = await runCommand(ctx.admin, listDatabasesCommand, ctx.timeoutMs);
  return (Array.isArray(reply.databases) ? (reply.databases as Document[]) : [])
    .filter((d) => typeof d.name === 'string' && ctx.includeDatabase(d.name))
    .map((d) => ({ name: d.name as string, sizeOnDisk: num(d.sizeOnDisk), empty: typeof d.empty === 'boolean' ? d.empty : null }));
}

export async function collectDbStats(ctx: AreaContext, name: string): Promise<MongodbRow<'databases'>> {
  const s = await runCommand(ctx.db(name), dbStatsCommand, ctx.timeoutMs);
  return {
    db: name,
    collections: num(s.collections),
    views: num(s.views),
    objects: num(s.objects),
    dataSize: num(s.dataSize),
    storageSize: num(s.storageSize),
    indexes: num(s.indexes),
    indexSize: num(s.indexSize),
    totalSize: num(s.totalSize),
    freeStorageSize: num(s.freeStorageSize),
    fsUsedSize: num(s.fsUsedSize),
    fsTotalSize: num(s.fsTotalSize),
  };
}
