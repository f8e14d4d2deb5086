import { sql } from 'kysely';
import type { Db } from '../db';

/**
 * A PostgreSQL statement's fingerprint: its database and pg_stat_statements' queryid. pg_stat_statements counts a
 * statement per (role, database, queryid, toplevel); the store keeps one statement per database and queryid, and its
 * share per role (query_stats.by_user).
 */
export function postgresStatementFingerprint(database: string | null, queryId: string | null): string {
  return `${database ?? ''}/${queryId ?? ''}`;
}

export interface StatementApplicationRow {
  fingerprint: string;
  application: string;
  /** Activity snapshots in which a session of the application showed the statement. */
  samples: number;
}

/**
 * The applications seen with each statement in a range's activity snapshots: pg_stat_statements has no application,
 * so this is the only honest source. A session shows a statement through pg_stat_activity.query_id (PostgreSQL 14+,
 * compute_query_id on): the statement it is running, or the last one it ran when idle. Snapshots are samples (every
 * runtime collection, kept for the activity retention, 48 h by default): a statement no sampled session showed has no
 * application here, however often it ran. PostgreSQL only (the fingerprint is database/queryid).
 */
export async function statementApplications(
  db: Db,
  w: { organizationId: string; targetId: string; from: Date; to: Date },
  only: { application?: string | undefined; fingerprint?: string | undefined } = {},
): Promise<StatementApplicationRow[]> {
  const { rows } = await sql<{ database_name: string | null; query_id: string; application: string; samples: number }>`
    select * from (
      select e.s ->> 'database' as database_name, e.s ->> 'queryId' as query_id, e.s ->> 'application' as application, count(*)::int as samples
        from activity_snapshots a cross join lateral jsonb_array_elements(a.sessions) as e(s)
       where a.organization_id = ${w.organizationId} and a.target_id = ${w.targetId} and a.ts >= ${w.from} and a.ts < ${w.to}
         and coalesce(e.s ->> 'queryId', '') not in ('', '0') and coalesce(e.s ->> 'application', '') <> ''
         ${only.application !== undefined ? sql`and e.s ->> 'application' = ${only.application}` : sql``}
         ${only.fingerprint !== undefined ? sql`and coalesce(e.s ->> 'database', '') || '/' || (e.s ->> 'queryId') = ${only.fingerprint}` : sql``}
       group by 1, 2, 3
    ) seen
     order by application collate "C", database_name collate "C", query_id`.execute(db);
  return rows.map((r) => ({ fingerprint: postgresStatementFingerprint(r.database_name, r.query_id), application: r.application, samples: r.samples }));
}
