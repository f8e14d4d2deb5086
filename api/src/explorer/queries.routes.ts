import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '@logstag/store';
import { ApiError } from '../http/api-error';
import { defaultStep, requireTarget } from './databases.service';
import { decodeJsonCursor, encodeJsonCursor, isNonNegativeInt, paginationQuery, resolveRange, stepField, targetParams, withRange } from './inputs';
import { findQuery, queryBuckets, queryDatabases, queryUsers, queryUserTotals, SPARK_BUCKETS, statementApplications, stddevMs, TOP_ORDER, topQueries, type TopOrder } from '@logstag/store';
import type { ExplorerRegistry } from './registry';
import { queryApplicationsSchema, queryDetailSchema, TOP_ORDERS, topQueriesSchema } from '@logstag/schema/api';

// The documented orders are exactly the columns the repository sorts by.
const orderColumns: Record<(typeof TOP_ORDERS)[number], string> & Record<TopOrder, string> = TOP_ORDER;
void orderColumns;

const MAX_OFFSET = 10_000;

/** A sum over rows that may lack the column (other engines, rows stored before it was kept): null when none has it. */
const sumOrNull = (values: Array<number | null>): number | null => (values.some((v) => v !== null) ? values.reduce<number>((a, v) => a + (v ?? 0), 0) : null);

export function queriesRoutes(r: ExplorerRegistry, db: Kysely<Database>): void {
  r.get({
    path: '/api/explorer/queries/:targetId/top',
    tag: 'Query Explorer',
    summary: 'Top statements over a range by total time, calls, mean time or rows',
    params: targetParams,
    query: withRange({
      orderBy: z.enum(TOP_ORDERS).default('totalTime'),
      search: z.string().max(200).optional().describe('only statements whose text contains this (case-insensitive)'),
      database: z.string().max(200).optional().describe("only the statements of this database (MySQL/MariaDB: the digest's default schema)"),
      monitoring: z
        .enum(['true', 'false'])
        .default('false')
        .describe("include statements that only read the server's catalogs or are monitoring commands (the agent's own among them); hidden by default"),
      user: z
        .string()
        .max(200)
        .optional()
        .describe("only this user's runs, each statement's counters for that user alone (PostgreSQL roles; MySQL/MariaDB digests have no user, so nothing matches)"),
      application: z
        .string()
        .max(200)
        .optional()
        .describe('only the statements sessions of this application were seen running in sampled activity (PostgreSQL 14+, query_id), first to last sighting overlapping the range: a sample, not every run'),
      ...paginationQuery.shape,
    }),
    response: topQueriesSchema,
    handle: async ({ organizationId, params, query }) => {
      await requireTarget(db, organizationId, params.targetId);
      const range = resolveRange(query);
      const offset = decodeJsonCursor(query.cursor, isNonNegativeInt) ?? 0;
      if (offset > MAX_OFFSET) throw new ApiError(400, 'validation_failed', `paging stops after ${MAX_OFFSET} statements; narrow the range`);
      const where = { organizationId, targetId: params.targetId, ...range };
      // An application filter is the statements its sessions were seen with (tallied from the runtime snapshots).
      const fingerprints = query.application ? [...new Set((await statementApplications(db, where, { application: query.application })).map((a) => a.fingerprint))] : undefined;
      const filter = { search: query.search || undefined, database: query.database, includeMonitoring: query.monitoring === 'true', user: query.user || undefined, fingerprints };
      const [rows, databases, users] = await Promise.all([topQueries(db, where, query.orderBy, query.limit + 1, offset, filter), queryDatabases(db, where), queryUsers(db, where)]);
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
        tempBlksRead: q.temp_blks_read,
        tempBlksWritten: q.temp_blks_written,
        blkReadTimeMs: q.blk_read_time_ms,
        blkWriteTimeMs: q.blk_write_time_ms,
        stddevTimeMs: stddevMs(q.exec_time_sq, q.sq_calls, q.sq_time_ms),
        monitoring: q.monitoring,
        sparkline: Array.from({ length: SPARK_BUCKETS }, (_, i) => q.spark[String(i)] ?? null),
      }));
      const next = rows.length > query.limit ? encodeJsonCursor(offset + query.limit) : null;
      return {
        from: range.from.toISOString(),
        to: range.to.toISOString(),
        orderBy: query.orderBy,
        // The share's base is every statement's time, whatever the filters show.
        allTimeMs: rows[0]?.all_time_ms ?? 0,
        databases: databases.map((d) => ({ name: d.database_name, statements: d.statements, monitoring: d.monitoring })),
        users: users.map((u) => ({ name: u.user_name, statements: u.statements })),
        items,
        nextCursor: next,
      };
    },
  });

  r.get({
    path: '/api/explorer/queries/:targetId/applications',
    tag: 'Query Explorer',
    summary: 'Applications seen running the target\'s statements in sampled activity over a range (PostgreSQL 14+), for the application filter',
    params: targetParams,
    query: withRange({}),
    response: queryApplicationsSchema,
    handle: async ({ organizationId, params, query }) => {
      await requireTarget(db, organizationId, params.targetId);
      const range = resolveRange(query);
      const seen = await statementApplications(db, { organizationId, targetId: params.targetId, ...range });
      const byApp = new Map<string, { statements: Set<string>; lastSeen: Date }>();
      for (const s of seen) {
        const a = byApp.get(s.application) ?? { statements: new Set<string>(), lastSeen: s.lastSeen };
        a.statements.add(s.fingerprint);
        if (s.lastSeen > a.lastSeen) a.lastSeen = s.lastSeen;
        byApp.set(s.application, a);
      }
      return {
        from: range.from.toISOString(),
        to: range.to.toISOString(),
        basis: 'sampled activity' as const,
        items: [...byApp].map(([application, a]) => ({ application, statements: a.statements.size, lastSeen: a.lastSeen.toISOString() })),
      };
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
      const one = { organizationId, targetId: params.targetId, fingerprint: query.fingerprint, ...range };
      const postgres = q.engine === 'postgresql';
      const [buckets, users, applications] = await Promise.all([
        queryBuckets(db, one, step),
        postgres ? queryUserTotals(db, one) : Promise.resolve([]),
        postgres ? statementApplications(db, { organizationId, targetId: params.targetId, ...range }, { fingerprint: q.fingerprint }) : Promise.resolve([]),
      ]);
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
          stddevTimeMs: stddevMs(sumOrNull(buckets.map((b) => b.exec_time_sq)), sumOrNull(buckets.map((b) => b.sq_calls)), sumOrNull(buckets.map((b) => b.sq_time_ms))),
          blocksHit: buckets.reduce((a, b) => a + b.blocks_hit, 0),
          blocksRead: buckets.reduce((a, b) => a + b.blocks_read, 0),
          tempBlksWritten: sumOrNull(buckets.map((b) => b.temp_blks_written)),
          blkReadTimeMs: sumOrNull(buckets.map((b) => b.blk_read_time_ms)),
          rowsExamined: sumOrNull(buckets.map((b) => b.rows_examined)),
          noIndexUsed: sumOrNull(buckets.map((b) => b.no_index_used)),
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
        ...(postgres
          ? {
              users: users.map((u) => ({ name: u.user_name, calls: u.calls, totalTimeMs: u.total_time_ms, rows: u.rows })),
              applications: applications.map((a) => ({ application: a.application, firstSeen: a.firstSeen.toISOString(), lastSeen: a.lastSeen.toISOString() })),
            }
          : {}),
      };
    },
  });
}
