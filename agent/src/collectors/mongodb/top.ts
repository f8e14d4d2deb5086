import type { AreaContext, AreaResult } from './area';
import { runCommand } from './client';
import { asRecord, num } from './plain';
import type { MongodbRow } from './sections';

/**
 * https://www.mongodb.com/docs/manual/reference/command/top/
 * Per-namespace time and count (microseconds) by operation kind since start-up: monotonic counters, sent as deltas.
 * mongod only; mongos answers CommandNotFound, reported as an optional collector error.
 */
export const topCommand = Object.freeze({ top: 1 });

const KINDS = ['total', 'readLock', 'writeLock', 'queries', 'getmore', 'insert', 'update', 'remove', 'commands'] as const;
const COUNTERS = KINDS.flatMap((k) => [`${k}Time`, `${k}Count`]);
/** A server with tens of thousands of collections would make a huge payload; the busiest namespaces matter most. */
const MAX_NAMESPACES = 2000;

export async function collectTop(ctx: AreaContext): Promise<AreaResult> {
  const reply = await runCommand(ctx.admin, topCommand, ctx.timeoutMs);
  const rows: Array<MongodbRow<'top'>> = [];
  for (const [ns, value] of Object.entries(asRecord(reply.totals))) {
    if (ns === 'note') continue;
    const db = ns.split('.')[0] ?? '';
    if (!ctx.includeDatabase(db)) continue;
    const stats = asRecord(value);
    const row: MongodbRow<'top'> & Record<string, unknown> = { ns };
    for (const kind of KINDS) {
      row[`${kind}Time`] = num(asRecord(stats[kind]).time);
      row[`${kind}Count`] = num(asRecord(stats[kind]).count);
    }
    rows.push(row);
  }
  rows.sort((a, b) => ((b.totalTime as number | null) ?? 0) - ((a.totalTime as number | null) ?? 0));
  return { data: { top: rows.slice(0, MAX_NAMESPACES) }, counters: { top: { key: ['ns'], counters: COUNTERS } } };
}
