import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '@logstag/store';
import { ApiError } from '../http/api-error';
import { defaultStep, requireTarget } from './databases.service';
import { decodeJsonCursor, encodeJsonCursor, isNonNegativeInt, paginationQuery, resolveRange, stepField, targetParams, withRange } from './inputs';
import { findQuery, queryBuckets, TOP_ORDER, topQueries, type TopOrder } from '@logstag/store';
import type { ExplorerRegistry } from './registry';
import { queryDetailSchema, TOP_ORDERS, topQueriesSchema } from '@logstag/schema/api';

// The documented orders are exactly the columns the repository sorts by.
const orderColumns: Record<(typeof TOP_ORDERS)[number], string> & Record<TopOrder, string> = TOP_ORDER;
void orderColumns;

const MAX_OFFSET = 10_000;

export function queriesRoutes(r: ExplorerRegistry, db: Kysely<Database>): void {
  r.get({
    path: '/api/explorer/queries/:targetId/top',
    tag: 'Query Explorer',
    summary: 'Top statements over a range by total time, calls, mean time or rows',
    params: targetParams,
    query: withRange({
      orderBy: z.enum(TOP_ORDERS).default('totalTime'),
      ...paginationQuery.shape,
    }),
    response: topQueriesSchema,
    handle: async ({ organizationId, params, query }) => {
      await requireTarget(db, organizationId, params.targetId);
      const range = resolveRange(query);
      const offset = decodeJsonCursor(query.cursor, isNonNegativeInt) ?? 0;
      if (offset > MAX_OFFSET) throw new ApiError(400, 'validation_failed', `paging stops after ${MAX_OFFSET} statements; narrow the range`);
      const rows = await topQueries(db, { organizationId, targetId: params.targetId, ...range }, query.orderBy, query.limit + 1, offset);
      const items = rows.slice(0, query.limit).map((q) => ({
        fingerprint: q.fingerprint,
        database: q.database_name,
        text: q.query_text,
        calls: q.calls,
        totalTimeMs: q.total_time_ms,
        meanTimeMs: q.mean_time_ms,
        rows: q.rows,
        blocksHit: q.blocks_hit,
        blocksRead: q.blocks_read,
        rowsExamined: q.rows_examined,
        noIndexUsed: q.no_index_used,
        fullScans: q.full_scans,
        fullJoins: q.full_joins,
        tmpDiskTables: q.tmp_disk_tables,
      }));
      const next = rows.length > query.limit ? encodeJsonCursor(offset + query.limit) : null;
      return { from: range.from.toISOString(), to: range.to.toISOString(), orderBy: query.orderBy, allTimeMs: rows[0]?.all_time_ms ?? 0, items, nextCursor: next };
    },
  });

  r.get({
    path: '/api/explorer/queries/:targetId/query',
    tag: 'Query Explorer',
    summary: "One statement's details (normalized text, database, first/last seen) and its series over a range",
    params: targetParams,
    query: withRange({ fingerprint: z.string().min(1).max(300), step: stepField }),
    response: queryDetailSchema,
    handle: async ({ organizationId, params, query }) => {
      await requireTarget(db, organizationId, params.targetId);
      const q = await findQuery(db, organizationId, params.targetId, query.fingerprint);
      if (!q) throw new ApiError(404, 'not_found', `no statement ${query.fingerprint} on ${params.targetId}`);
      const range = resolveRange(query);
      const step = query.step ?? defaultStep(range.from, range.to);
      const buckets = await queryBuckets(db, { organizationId, targetId: params.targetId, fingerprint: query.fingerprint, ...range }, step);
      return {
        fingerprint: q.fingerprint,
        engine: q.engine,
        database: q.database_name,
        text: q.query_text,
        firstSeen: q.first_seen.toISOString(),
        lastSeen: q.last_seen.toISOString(),
        stepSeconds: step,
        totals: {
          calls: buckets.reduce((a, b) => a + b.calls, 0),
          totalTimeMs: buckets.reduce((a, b) => a + b.total_time_ms, 0),
          rows: buckets.reduce((a, b) => a + b.rows, 0),
        },
        series: buckets.map((b) => ({
          ts: b.bucket.toISOString(),
          calls: b.calls,
          totalTimeMs: b.total_time_ms,
          meanTimeMs: b.calls ? b.total_time_ms / b.calls : null,
          rows: b.rows,
          blocksHit: b.blocks_hit,
          blocksRead: b.blocks_read,
        })),
      };
    },
  });
}
