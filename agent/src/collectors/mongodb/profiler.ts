import type { Document } from 'mongodb';
import type { AreaContext, AreaResult } from './area';
import { errorMessage, isUnauthorized, MONITOR_READ_PREFERENCE, runCommand } from './client';
import { commandName, commandShape } from './current-op';
import { num, toPlain } from './plain';
import type { MongodbRow } from './sections';

/**
 * https://www.mongodb.com/docs/manual/reference/command/profile/ (`{profile: -1}` reads the level without changing it)
 * https://www.mongodb.com/docs/manual/reference/database-profiler/ (the `system.profile` documents)
 * Only databases whose level is above 0 are read. `system.profile` is the server's own record of slow operations (a
 * system collection clusterMonitor may `find`), not application data; even so, commands and filters are reduced to
 * shapes and `execStats` (index bounds hold literal values) and `errMsg` (duplicate-key errors quote the key) are left out.
 */
export const profileLevelCommand = Object.freeze({ profile: -1 });

const PROFILE_FIELDS = [
  'op', 'ns', 'command', 'originatingCommand', 'keysExamined', 'docsExamined', 'nreturned', 'nMatched', 'nModified',
  'ninserted', 'ndeleted', 'keysInserted', 'keysDeleted', 'numYield', 'millis', 'cpuNanos', 'planSummary', 'queryHash',
  'planCacheKey', 'queryFramework', 'fromPlanCache', 'replanned', 'hasSortStage', 'usedDisk', 'responseLength',
  'errCode', 'errName', 'ts', 'appName', 'user',
] as const;
const MAX_ENTRIES_PER_DATABASE = 200;

/** The last profiler `ts` seen per database, so the next run reads only newer entries. Transient: lost on restart. */
export type ProfilerCursor = Map<string, Date>;

export async function collectProfiler(ctx: AreaContext, databases: string[], seen: ProfilerCursor, defaultWindowMs: number): Promise<AreaResult> {
  const entries: Array<MongodbRow<'profiler_entries'>> = [];
  const levels: { db: string; level: number | null; slowms: number | null; error: string | null }[] = [];
  for (const name of databases) {
    if (ctx.signal.aborted) break;
    // One database failing (dropped meanwhile, a view-only database, no privilege) must not hide the others' entries.
    try {
      const { level, slowms } = await profileLevel(ctx, name);
      levels.push({ db: name, level, slowms, error: null });
      if (level === 0) continue;
      entries.push(...(await newProfileEntries(ctx, name, seen, defaultWindowMs)));
    } catch (error) {
      levels.push({ db: name, level: null, slowms: null, error: errorMessage(error) });
    }
  }
  return { data: { profiler_levels: levels, profiler_entries: entries } };
}

async function profileLevel(ctx: AreaContext, name: string): Promise<{ level: number | null; slowms: number | null }> {
  try {
    const status = await runCommand(ctx.db(name), profileLevelCommand, ctx.timeoutMs);
    return { level: num(status.was), slowms: num(status.slowms) };
  } catch (error) {
    // Without the enableProfiler action the level is unknown: read system.profile anyway (cheap when empty).
    if (isUnauthorized(error)) return { level: null, slowms: null };
    throw error;
  }
}

async function newProfileEntries(ctx: AreaContext, name: string, seen: ProfilerCursor, defaultWindowMs: number): Promise<Array<MongodbRow<'profiler_entries'>>> {
  const previous = seen.get(name);
  const since = previous ?? new Date(Date.now() - defaultWindowMs);
  const docs = await ctx
    .db(name)
    .collection('system.profile')
    .find({ ts: { $gt: since } }, {
      projection: Object.fromEntries(PROFILE_FIELDS.map((f) => [f, 1])),
      sort: { $natural: -1 },
      limit: MAX_ENTRIES_PER_DATABASE,
      maxTimeMS: ctx.timeoutMs,
      readPreference: MONITOR_READ_PREFERENCE,
    })
    .toArray();
  const rows: Array<MongodbRow<'profiler_entries'>> = [];
  let newest = previous;
  for (const doc of docs) {
    const ts = doc.ts instanceof Date ? doc.ts : null;
    // The server filters by ts too; this guards against equal timestamps and servers that ignore the filter.
    if (ts && previous && ts <= previous) continue;
    rows.push(profileRow(name, doc));
    if (ts && (!newest || ts > newest)) newest = ts;
  }
  if (newest) seen.set(name, newest);
  return rows;
}

export function profileRow(db: string, doc: Document): MongodbRow<'profiler_entries'> {
  return {
    db,
    op: typeof doc.op === 'string' ? doc.op : null,
    ns: typeof doc.ns === 'string' ? doc.ns : null,
    commandName: commandName(doc.command),
    commandShape: commandShape(doc.command),
    originatingCommandShape: doc.originatingCommand ? commandShape(doc.originatingCommand) : null,
    // A Date: toPlain writes it as its ISO text.
    ts: toPlain(doc.ts ?? null) as string | null,
    millis: num(doc.millis),
    cpuNanos: num(doc.cpuNanos),
    keysExamined: num(doc.keysExamined),
    docsExamined: num(doc.docsExamined),
    nreturned: num(doc.nreturned),
    nMatched: num(doc.nMatched),
    nModified: num(doc.nModified),
    ninserted: num(doc.ninserted),
    ndeleted: num(doc.ndeleted),
    numYield: num(doc.numYield),
    responseLength: num(doc.responseLength),
    planSummary: typeof doc.planSummary === 'string' ? doc.planSummary : null,
    queryHash: typeof doc.queryHash === 'string' ? doc.queryHash : null,
    planCacheKey: typeof doc.planCacheKey === 'string' ? doc.planCacheKey : null,
    fromPlanCache: doc.fromPlanCache === true,
    replanned: doc.replanned === true,
    hasSortStage: doc.hasSortStage === true,
    usedDisk: doc.usedDisk === true,
    errName: typeof doc.errName === 'string' ? doc.errName : null,
    appName: typeof doc.appName === 'string' ? doc.appName : null,
    user: typeof doc.user === 'string' ? doc.user : null,
  };
}
