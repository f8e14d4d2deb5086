// PostgreSQL's own counters for the bench's database, read before and after a run: a deadlock is counted by the server
// even when the activity that hit it retries and succeeds, so the store's tables alone cannot show it.
import { sql, type Kysely } from 'kysely';
import type { Database } from '@logstag/store';

export interface DatabaseCounters {
  deadlocks: number;
  rollbacks: number;
  commits: number;
}

/**
 * The counters of pg_stat_database for the current database. Backends report them when they go idle or exit, so
 * read them after the processes that did the work stopped (or after a second of quiet) to count everything.
 */
export async function databaseCounters(db: Kysely<Database>): Promise<DatabaseCounters | null> {
  try {
    const r = await sql<{ deadlocks: number; xact_rollback: number; xact_commit: number }>`
      select deadlocks, xact_rollback, xact_commit from pg_stat_database where datname = current_database()`.execute(db);
    const row = r.rows[0];
    return row ? { deadlocks: Number(row.deadlocks), rollbacks: Number(row.xact_rollback), commits: Number(row.xact_commit) } : null;
  } catch {
    return null;
  }
}

/** Payloads accepted and not yet stored (nor failed or discarded): what the pipeline still owes. */
export async function backlogOf(db: Kysely<Database>): Promise<number | null> {
  try {
    const r = await sql<{ n: number }>`select count(*)::int as n from payloads where status in ('pending', 'started')`.execute(db);
    return r.rows[0]?.n ?? null;
  } catch {
    return null;
  }
}

/** Payloads whose normalization committed in [from, to): the pipeline's output over a window. */
export async function storedBetween(db: Kysely<Database>, from: number, to: number): Promise<number | null> {
  try {
    const r = await sql<{ n: number }>`select count(*)::int as n from payloads where stored_at >= ${new Date(from)} and stored_at < ${new Date(to)}`.execute(db);
    return r.rows[0]?.n ?? null;
  } catch {
    return null;
  }
}

/**
 * The statements that took the most of PostgreSQL's time in this database, from pg_stat_statements (the test-services
 * cluster preloads it: run with --pg services). Null when the extension is not loaded.
 */
export async function topStatements(
  db: Kysely<Database>,
  limit = 12,
): Promise<Array<{ query: string; calls: number; totalMs: number; meanMs: number; rows: number; walKB: number }> | null> {
  try {
    await sql`create extension if not exists pg_stat_statements`.execute(db);
    const r = await sql<{ query: string; calls: number; total_ms: number; mean_ms: number; rows: number; wal_kb: number }>`
      select left(regexp_replace(query, '[[:space:]]+', ' ', 'g'), 90) as query, calls, round(total_exec_time)::int as total_ms,
             round(mean_exec_time::numeric, 2)::float8 as mean_ms, rows, (wal_bytes / 1024)::int8 as wal_kb
        from pg_stat_statements where dbid = (select oid from pg_database where datname = current_database())
       order by total_exec_time desc limit ${limit}`.execute(db);
    return r.rows.map((x) => ({ query: x.query, calls: Number(x.calls), totalMs: Number(x.total_ms), meanMs: Number(x.mean_ms), rows: Number(x.rows), walKB: Number(x.wal_kb) }));
  } catch {
    return null;
  }
}
