import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '@logstag/store';
import { ApiError } from '../http/api-error';
import { paginationQuery } from '../http/pagination';
import { snapshotAt, waitBreakdown } from './activity.repository';
import { metricSeries, requireTarget } from './databases.service';
import { atField, decodeJsonCursor, encodeJsonCursor, isNonNegativeInt, resolveRange, stepField, targetParams, withRange } from './inputs';
import type { ExplorerRegistry } from './registry';

interface Session {
  id: string;
  state: string | null;
  [k: string]: unknown;
}

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
    handle: async ({ organizationId, params, query }) => {
      await requireTarget(db, organizationId, params.targetId);
      const snap = await snapshotAt(db, organizationId, params.targetId, query.at ?? new Date());
      const all = ((snap?.sessions ?? []) as Session[]).slice().sort((a, b) => Number(b.durationSeconds ?? -1) - Number(a.durationSeconds ?? -1));
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
    summary: 'Wait-event breakdown over a range (sampled from runtime snapshots)',
    params: targetParams,
    query: withRange({}),
    handle: async ({ organizationId, params, query }) => {
      await requireTarget(db, organizationId, params.targetId);
      const { from, to } = resolveRange(query);
      const { snapshots, waits } = await waitBreakdown(db, organizationId, params.targetId, from, to);
      return { from: from.toISOString(), to: to.toISOString(), snapshots, waits: waits.map((w) => ({ waitType: w.wait_type, wait: w.wait, samples: w.samples })) };
    },
  });

  r.get({
    path: '/api/explorer/activity/:targetId/blocking',
    tag: 'Activity Explorer',
    summary: 'Blocking tree at a time point: blockers with their waiters, lock waits, and the sessions involved',
    params: targetParams,
    query: z.object({ at: atField }),
    handle: async ({ organizationId, params, query }) => {
      await requireTarget(db, organizationId, params.targetId);
      const snap = await snapshotAt(db, organizationId, params.targetId, query.at ?? new Date());
      const lockWaits = (snap?.lock_waits ?? []) as Array<{ id: string; blockedBy: string[] }>;
      const involved = new Set(lockWaits.flatMap((l) => [l.id, ...l.blockedBy]));
      return {
        snapshotTs: snap?.ts.toISOString() ?? null,
        tree: snap?.blocking ?? [],
        lockWaits,
        sessions: ((snap?.sessions ?? []) as Session[]).filter((s) => involved.has(s.id)),
      };
    },
  });

  r.get({
    path: '/api/explorer/activity/:targetId/connections',
    tag: 'Activity Explorer',
    summary: 'Connections used vs the limit over a range, and the latest split by state',
    params: targetParams,
    query: withRange({ step: stepField }),
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
        latest: latest ? { ts: latest.ts.toISOString(), ...(latest.connections as object | null) } : null,
      };
    },
  });
}
