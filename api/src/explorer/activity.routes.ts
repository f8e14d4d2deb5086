import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '@logstag/store';
import { ApiError } from '../http/api-error';
import { paginationQuery } from '../http/pagination';
import { bucketCount, snapshotAt, waitBreakdown, waitBreakdownBuckets } from '@logstag/store';
import { metricSeries, requireTarget } from './databases.service';
import { atField, decodeJsonCursor, parsedRange, encodeJsonCursor, isNonNegativeInt, resolveRange, stepField, targetParams, withRange } from './inputs';
import type { ExplorerRegistry } from './registry';
import { blockingViewSchema, connectionsViewSchema, sessionsPageSchema, waitBreakdownSchema, waitBucketsSchema } from '@logstag/schema/api';

/** Enough for any chart width; a step that would cut the range finer is refused rather than silently widened. */
const MAX_WAIT_BUCKETS = 500;

const waitsQuery = withRange({
  step: z.coerce
    .number()
    .int()
    .min(10)
    .max(31 * 86_400)
    .optional()
    .describe(
      `bucket width in seconds: the breakdown is also returned per bucket (\`buckets\`), the first starting at \`from\`, the last ending at \`to\`; at most ${MAX_WAIT_BUCKETS} buckets. Without it only the range's breakdown is returned`,
    ),
}).superRefine((q, ctx) => {
  const range = parsedRange(q);
  if (q.step === undefined || typeof q.step !== 'number' || !range) return;
  const { from, to } = range;
  if (from < to && bucketCount(from, to, q.step) > MAX_WAIT_BUCKETS) ctx.addIssue({ code: 'custom', path: ['step'], message: `the range would have more than ${MAX_WAIT_BUCKETS} buckets` });
});

type WaitCount = { waitType: string; wait: string; samples: number };
const bySamples = (a: WaitCount, b: WaitCount) => b.samples - a.samples || (a.waitType < b.waitType ? -1 : a.waitType > b.waitType ? 1 : a.wait < b.wait ? -1 : a.wait > b.wait ? 1 : 0);

/** A target that never reported the metric has an empty chart, not an error. */
function missingAsNull(err: unknown): null {
  if (err instanceof ApiError && err.status === 404) return null;
  throw err;
}

export function activityRoutes(r: ExplorerRegistry, db: Kysely<Database>): void {
  r.get({
    path: '/api/explorer/activity/:targetId/sessions',
    tag: 'Activity Explorer',
    summary: 'Sessions at a time point (the runtime snapshot taken at or just before it), longest running first',
    params: targetParams,
    query: paginationQuery.extend({ at: atField }),
    response: sessionsPageSchema,
    handle: async ({ organizationId, params, query }) => {
      await requireTarget(db, organizationId, params.targetId);
      const snap = await snapshotAt(db, organizationId, params.targetId, query.at ?? new Date());
      const all = (snap?.sessions ?? []).slice().sort((a, b) => Number(b.durationSeconds ?? -1) - Number(a.durationSeconds ?? -1));
      const offset = decodeJsonCursor(query.cursor, isNonNegativeInt) ?? 0;
      const items = all.slice(offset, offset + query.limit);
      return {
        snapshotTs: snap?.ts.toISOString() ?? null,
        total: all.length,
        items,
        nextCursor: offset + query.limit < all.length ? encodeJsonCursor(offset + query.limit) : null,
      };
    },
  });

  r.get({
    path: '/api/explorer/activity/:targetId/waits',
    tag: 'Activity Explorer',
    summary: 'Wait-event breakdown over a range (sampled from runtime snapshots), and per time bucket with `step`',
    params: targetParams,
    query: waitsQuery,
    response: z.union([waitBucketsSchema, waitBreakdownSchema]),
    handle: async ({ organizationId, params, query }) => {
      await requireTarget(db, organizationId, params.targetId);
      const { from, to } = resolveRange(query);
      if (query.step === undefined) {
        const { snapshots, waits } = await waitBreakdown(db, organizationId, params.targetId, from, to);
        return { from: from.toISOString(), to: to.toISOString(), snapshots, waits: waits.map((w) => ({ waitType: w.wait_type, wait: w.wait, samples: w.samples })) };
      }
      const step = query.step;
      const rows = await waitBreakdownBuckets(db, organizationId, params.targetId, from, to, step);
      // The range's totals are the buckets' sums: they cover it exactly.
      const totals = new Map<string, WaitCount>();
      for (const w of rows.flatMap((r) => r.waits)) {
        const key = JSON.stringify([w.waitType, w.wait]);
        totals.set(key, { ...w, samples: (totals.get(key)?.samples ?? 0) + w.samples });
      }
      return {
        from: from.toISOString(),
        to: to.toISOString(),
        snapshots: rows.reduce((n, r) => n + r.snapshots, 0),
        waits: [...totals.values()].sort(bySamples),
        stepSeconds: step,
        buckets: rows.map((r) => {
          const start = from.getTime() + r.bucket * step * 1000;
          return { from: new Date(start).toISOString(), to: new Date(Math.min(start + step * 1000, to.getTime())).toISOString(), snapshots: r.snapshots, waits: r.waits };
        }),
      };
    },
  });

  r.get({
    path: '/api/explorer/activity/:targetId/blocking',
    tag: 'Activity Explorer',
    summary: 'Blocking tree at a time point: blockers with their waiters, lock waits, and the sessions involved',
    params: targetParams,
    query: z.object({ at: atField }),
    response: blockingViewSchema,
    handle: async ({ organizationId, params, query }) => {
      await requireTarget(db, organizationId, params.targetId);
      const snap = await snapshotAt(db, organizationId, params.targetId, query.at ?? new Date());
      const lockWaits = snap?.lock_waits ?? [];
      const involved = new Set(lockWaits.flatMap((l) => [l.id, ...l.blockedBy]));
      return {
        snapshotTs: snap?.ts.toISOString() ?? null,
        tree: snap?.blocking ?? [],
        lockWaits,
        sessions: (snap?.sessions ?? []).filter((s) => involved.has(s.id)),
      };
    },
  });

  r.get({
    path: '/api/explorer/activity/:targetId/connections',
    tag: 'Activity Explorer',
    summary: 'Connections used vs the limit over a range, and the latest split by state',
    params: targetParams,
    query: withRange({ step: stepField }),
    response: connectionsViewSchema,
    handle: async ({ organizationId, params, query }) => {
      await requireTarget(db, organizationId, params.targetId);
      const range = resolveRange(query);
      const base = { organizationId, targetId: params.targetId, step: query.step, ...range };
      const [used, max] = await Promise.all([
        metricSeries(db, { ...base, metric: 'connections.used' }).catch(missingAsNull),
        metricSeries(db, { ...base, metric: 'connections.max' }).catch(missingAsNull),
      ]);
      const latest = await snapshotAt(db, organizationId, params.targetId, range.to);
      return {
        resolution: used?.resolution ?? null,
        stepSeconds: used?.stepSeconds ?? null,
        used: used?.series[0]?.points ?? [],
        max: max?.series[0]?.points ?? [],
        latest: latest ? { ts: latest.ts.toISOString(), ...latest.connections } : null,
      };
    },
  });
}
