import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '@logstag/store';
import { ApiError } from '../http/api-error';
import { decodeCursor, paginationQuery, toPage } from '../http/pagination';
import { listSeries, listTargets } from '@logstag/store';
import { metricSeries, requireTarget, targetView } from './databases.service';
import { decodeJsonCursor, isStringPair, resolveRange, stepField, targetParams, withRange } from './inputs';
import type { ExplorerRegistry } from './registry';
import { ENGINES } from '@logstag/schema';
import { metricSeriesInfoSchema, metricSeriesSchema, pageOf, TARGET_STATUSES, targetViewSchema } from '@logstag/schema/api';

function parseLabels(raw: string | undefined): Record<string, string> | undefined {
  if (raw === undefined) return undefined;
  try {
    const v = JSON.parse(raw) as unknown;
    if (v && typeof v === 'object' && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string')) return v as Record<string, string>;
  } catch {
    // falls through to the 400 below
  }
  throw new ApiError(400, 'validation_failed', 'labels must be a JSON object of strings, e.g. {"database":"shop"}');
}

export function databasesRoutes(r: ExplorerRegistry, db: Kysely<Database>): void {
  r.get({
    path: '/api/explorer/databases',
    tag: 'Database Explorer',
    summary: 'Inventory: monitored targets with status, health, engine, version, tags and last seen',
    query: paginationQuery.extend({ engine: z.enum(ENGINES).optional(), status: z.enum(TARGET_STATUSES).optional() }),
    response: pageOf(targetViewSchema),
    handle: async ({ organizationId, query }) => {
      const rows = await listTargets(db, organizationId, { engine: query.engine, status: query.status, afterTargetId: decodeCursor(query.cursor) }, query.limit + 1);
      return toPage(rows, query.limit, (t) => t.target_id, (t) => targetView(t));
    },
  });

  r.get({
    path: '/api/explorer/databases/:targetId/metrics',
    tag: 'Database Explorer',
    summary: "The target's metric series (name, labels, kind) with their latest value",
    params: targetParams,
    query: paginationQuery.extend({ prefix: z.string().max(200).optional().describe('only metrics whose name starts with this') }),
    response: pageOf(metricSeriesInfoSchema),
    handle: async ({ organizationId, params, query }) => {
      await requireTarget(db, organizationId, params.targetId);
      const after = decodeJsonCursor(query.cursor, isStringPair);
      const rows = await listSeries(db, organizationId, params.targetId, query.prefix, after, query.limit + 1);
      return toPage(rows, query.limit, (s) => JSON.stringify([s.metric, s.labels_key]), (s) => ({
        metric: s.metric,
        labels: s.labels,
        kind: s.kind,
        lastValue: s.last_value,
        lastTs: s.last_ts.toISOString(),
        firstTs: s.first_ts.toISOString(),
      }));
    },
  });

  r.get({
    path: '/api/explorer/databases/:targetId/series',
    tag: 'Database Explorer',
    summary: 'One metric over a range (1 h … 31 d) in buckets of `step` seconds; resolution chosen from range and step',
    params: targetParams,
    query: withRange({
      metric: z.string().min(1).max(300),
      labels: z.string().max(2000).optional().describe('JSON object: only the series with exactly these labels'),
      step: stepField,
    }),
    response: metricSeriesSchema,
    handle: async ({ organizationId, params, query }) => {
      await requireTarget(db, organizationId, params.targetId);
      return metricSeries(db, { organizationId, targetId: params.targetId, metric: query.metric, labels: parseLabels(query.labels), step: query.step, ...resolveRange(query) });
    },
  });
}
