import { sql, type Transaction } from 'kysely';
import type { SessionView } from '@logstag/schema';
import { bulkInsert, type BulkColumn } from '../bulk-insert';
import type { Database } from '../database';
import type { Db } from '../db';
import { rowKey, valuesByKey } from '../lock-order';

/**
 * A PostgreSQL statement's fingerprint: its database and pg_stat_statements' queryid. pg_stat_statements counts a
 * statement per (role, database, queryid, toplevel); the store keeps one statement per database and queryid, and its
 * share per role (query_stats.by_user).
 */
export function postgresStatementFingerprint(database: string | null, queryId: string | null): string {
  return `${database ?? ''}/${queryId ?? ''}`;
}

interface ApplicationRow {
  organization_id: string;
  target_id: string;
  fingerprint: string;
  application: string;
  first_seen: Date;
  last_seen: Date;
}

const COLUMNS: Array<BulkColumn<ApplicationRow>> = [
  { name: 'organization_id', type: 'text', value: (r) => r.organization_id },
  { name: 'target_id', type: 'text', value: (r) => r.target_id },
  { name: 'fingerprint', type: 'text', value: (r) => r.fingerprint },
  { name: 'application', type: 'text', value: (r) => r.application },
  { name: 'first_seen', type: 'timestamptz', value: (r) => r.first_seen.toISOString() },
  { name: 'last_seen', type: 'timestamptz', value: (r) => r.last_seen.toISOString() },
];

/**
 * The applications seen with each statement, tallied from the runtime snapshots as they are stored: pg_stat_statements
 * has no application, so this is the only honest source. A session shows a statement through pg_stat_activity.query_id
 * (PostgreSQL 14+, compute_query_id on): the statement it is running, or the last one it ran when idle. Snapshots are
 * samples (every runtime collection): a statement no sampled session showed has no application, however often it ran.
 * One row per (statement, application) with its first and last sighting, shared by batches: written in the shared
 * rows' sorted pass (lock-order.ts). Idempotent: normalizing the same payloads again changes nothing.
 */
export class StatementApplicationBatch {
  private readonly rows = new Map<string, ApplicationRow>();

  add(where: { organizationId: string; targetId: string; engine: string; ts: Date }, sessions: readonly SessionView[]): void {
    if (where.engine !== 'postgresql') return;
    for (const s of sessions) {
      if (!s.queryId || s.queryId === '0' || !s.application) continue;
      const fingerprint = postgresStatementFingerprint(s.database, s.queryId);
      const key = rowKey(where.organizationId, where.targetId, fingerprint, s.application);
      const row = this.rows.get(key);
      if (!row) {
        this.rows.set(key, { organization_id: where.organizationId, target_id: where.targetId, fingerprint, application: s.application, first_seen: where.ts, last_seen: where.ts });
        continue;
      }
      if (where.ts < row.first_seen) row.first_seen = where.ts;
      if (where.ts > row.last_seen) row.last_seen = where.ts;
    }
  }

  async write(trx: Transaction<Database>): Promise<void> {
    if (this.rows.size === 0) return;
    await bulkInsert(
      trx,
      'statement_applications',
      COLUMNS,
      valuesByKey(this.rows),
      sql`on conflict (organization_id, target_id, fingerprint, application) do update set
        first_seen = least(statement_applications.first_seen, excluded.first_seen),
        last_seen = greatest(statement_applications.last_seen, excluded.last_seen)`,
    );
  }
}

export interface StatementApplicationRow {
  fingerprint: string;
  application: string;
  firstSeen: Date;
  lastSeen: Date;
}

/**
 * The applications seen with the target's statements whose sightings (first to last) overlap the range. PostgreSQL
 * only (the fingerprint is database/queryid).
 */
export async function statementApplications(
  db: Db,
  w: { organizationId: string; targetId: string; from: Date; to: Date },
  only: { application?: string | undefined; fingerprint?: string | undefined } = {},
): Promise<StatementApplicationRow[]> {
  const { rows } = await sql<{ fingerprint: string; application: string; first_seen: Date; last_seen: Date }>`
    select fingerprint, application, first_seen, last_seen
      from statement_applications
     where organization_id = ${w.organizationId} and target_id = ${w.targetId} and last_seen >= ${w.from} and first_seen < ${w.to}
       ${only.application !== undefined ? sql`and application = ${only.application}` : sql``}
       ${only.fingerprint !== undefined ? sql`and fingerprint = ${only.fingerprint}` : sql``}
     order by application collate "C", fingerprint collate "C"`.execute(db);
  return rows.map((r) => ({ fingerprint: r.fingerprint, application: r.application, firstSeen: new Date(r.first_seen), lastSeen: new Date(r.last_seen) }));
}

/**
 * Forgets the applications last seen running a statement before `before` (retention): the sightings serve the Query
 * Explorer's application filter for as long as the statements' figures and activity are kept, and no longer.
 */
export async function deleteStatementApplicationsBefore(db: Db, before: Date): Promise<number> {
  const result = await db.deleteFrom('statement_applications').where('last_seen', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}
