import { blockingTree, type BlockingNode } from './blocking-tree';
import type { PgConn } from './pool';
import type { PgRow } from './sections';

// https://www.postgresql.org/docs/current/view-pg-locks.html and
// https://www.postgresql.org/docs/current/functions-info.html (pg_blocking_pids)
// pg_blocking_pids() takes the lock manager's locks briefly, so it runs only for backends waiting on a lock.
// A waiter on a row waits on the holder's transactionid (no relation); the tuple lock it already holds names the
// table. Relation names resolve only for the connected database; elsewhere the oid and database name remain.
// pg_locks.waitstart exists from 14; before it the state change approximates when the wait began.
export function lockWaitsSql(versionNum: number): string {
  return `
WITH waiting AS (
  SELECT pid, datname, usename, wait_event, state_change
    FROM pg_stat_activity
   WHERE wait_event_type = 'Lock' AND pid <> pg_backend_pid()
)
SELECT w.pid,
       pg_blocking_pids(w.pid) AS blocking_pids,
       w.datname,
       w.usename,
       w.wait_event,
       l.locktype,
       l.mode,
       l.rel AS relation_oid,
       n.nspname AS relation_schema,
       c.relname AS relation_name,
       l.page,
       l.tuple,
       l.transactionid::text AS transactionid,
       l.virtualxid,
       extract(epoch FROM clock_timestamp() - ${versionNum >= 140000 ? 'coalesce(l.waitstart, w.state_change)' : 'w.state_change'})::float8 AS wait_seconds
  FROM waiting w
  LEFT JOIN LATERAL (
        SELECT pl.*, coalesce(pl.relation, t.relation) AS rel, coalesce(pl.database, t.database) AS reldb
          FROM pg_locks pl
          LEFT JOIN LATERAL (SELECT tl.relation, tl.database FROM pg_locks tl
                              WHERE tl.pid = pl.pid AND tl.locktype = 'tuple' AND tl.granted LIMIT 1) t ON pl.relation IS NULL
         WHERE pl.pid = w.pid AND NOT pl.granted
         LIMIT 1) l ON true
  LEFT JOIN pg_class c ON c.oid = l.rel AND l.reldb = (SELECT oid FROM pg_database WHERE datname = current_database())
  LEFT JOIN pg_namespace n ON n.oid = c.relnamespace
 ORDER BY w.pid`;
}

type LockWaitRow = PgRow<'lock_waits'> & { pid: number; blocking_pids: number[] | null };

export interface LockWaits {
  lock_waits: Array<PgRow<'lock_waits'> & { pid: number; blocking_pids: number[] }>;
  blocking_tree: BlockingNode[];
}

export async function collectLockWaits(conn: PgConn): Promise<LockWaits> {
  const rows = await conn.rows<LockWaitRow>(lockWaitsSql(conn.server.versionNum));
  // A wait can end between the two looks; an empty blocker list means it already has.
  const waits = rows
    .map((row) => ({ ...row, blocking_pids: row.blocking_pids ?? [] }))
    .filter((row) => row.blocking_pids.length > 0);
  return { lock_waits: waits, blocking_tree: blockingTree(waits) };
}
