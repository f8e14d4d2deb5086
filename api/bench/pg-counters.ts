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
