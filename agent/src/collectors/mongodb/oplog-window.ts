import type { Document } from 'mongodb';
import type { AreaContext, AreaResult } from './area';
import { errorCode, errorMessage, MONITOR_READ_PREFERENCE, runCommand } from './client';
import { num, optimeSeconds } from './plain';

/**
 * https://www.mongodb.com/docs/manual/reference/command/collStats/ on `local.oplog.rs` (size and configured maximum),
 * and the first and last oplog entries' `ts` (https://www.mongodb.com/docs/manual/core/replica-set-oplog/): the window
 * is how far back a secondary can fall before it needs a full resync. The entries are read with a projection of `ts`
 * only, in natural order, one document each: never an operation's contents. Needs `read` on `local`.
 * collStats is deprecated since 6.2 in favour of `$collStats`, but still answers on 7.0 and is the one form 4.4 has
 * for the oplog's `maxSize`.
 */
export const oplogStatsCommand = Object.freeze({ collStats: 'oplog.rs', scale: 1 });
export const oplogEdgeProjection = Object.freeze({ ts: 1, _id: 0 });

export async function collectOplogWindow(ctx: AreaContext): Promise<AreaResult> {
  const local = ctx.db('local');
  const stats = await runCommand(local, oplogStatsCommand, ctx.timeoutMs);
  const sizeBytes = num(stats.size);
  const maxSizeBytes = num(stats.maxSize);
  let firstSeconds: number | null = null;
  let lastSeconds: number | null = null;
  let edgesError: { code?: string; message: string } | null = null;
  try {
    [firstSeconds, lastSeconds] = await Promise.all([edge(ctx, 1), edge(ctx, -1)]);
  } catch (error) {
    // The sizes alone are still worth sending; the missing window is reported next to them.
    const code = errorCode(error);
    edgesError = { message: errorMessage(error), ...(code ? { code } : {}) };
  }
  return {
    data: {
      oplog: {
        sizeBytes,
        maxSizeBytes,
        usedPercent: sizeBytes !== null && maxSizeBytes ? Math.round((sizeBytes / maxSizeBytes) * 1000) / 10 : null,
        count: num(stats.count),
        storageSizeBytes: num(stats.storageSize),
        firstEntrySeconds: firstSeconds,
        lastEntrySeconds: lastSeconds,
        windowSeconds: firstSeconds !== null && lastSeconds !== null ? lastSeconds - firstSeconds : null,
        windowError: edgesError,
      },
    },
  };
}

async function edge(ctx: AreaContext, direction: 1 | -1): Promise<number | null> {
  const docs: Document[] = await ctx
    .db('local')
    .collection('oplog.rs')
    .find({}, { projection: oplogEdgeProjection, sort: { $natural: direction }, limit: 1, maxTimeMS: ctx.timeoutMs, readPreference: MONITOR_READ_PREFERENCE })
    .toArray();
  return docs[0] ? optimeSeconds(docs[0].ts) : null;
}
