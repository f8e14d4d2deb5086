import { sql, type Kysely } from 'kysely';
import type { ActivitySnapshotRow, Database } from '@logstag/store';

type Db = Kysely<Database>;

/** How far back "sessions at t" looks for the snapshot taken at or before t. */
export const SNAPSHOT_LOOKBACK_MS = 5 * 60_000;

export async function snapshotAt(db: Db, organizationId: string, targetId: string, at: Date): Promise<ActivitySnapshotRow | undefined> {
  return db
    .selectFrom('activity_snapshots')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('target_id', '=', targetId)
    .where('ts', '<=', at)
    .where('ts', '>', new Date(at.getTime() - SNAPSHOT_LOOKBACK_MS))
    .orderBy('ts', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export interface WaitRow {
  wait_type: string;
  wait: string;
  samples: number;
}

/**
 * Sampled wait events over a range: every active or waiting session of every snapshot counts once, so a wait seen
 * in many snapshots weighs as much as the time it lasted. Sessions running without a wait count as CPU.
 */
export async function waitBreakdown(db: Db, organizationId: string, targetId: string, from: Date, to: Date): Promise<{ snapshots: number; waits: WaitRow[] }> {
  const scope = sql`a.organization_id = ${organizationId} and a.target_id = ${targetId} and a.ts >= ${from} and a.ts < ${to}`;
  const waits = await sql<WaitRow>`select coalesce(s->>'waitType', 'CPU') as wait_type, coalesce(s->>'wait', 'running') as wait, count(*)::int as samples
      from activity_snapshots a, jsonb_array_elements(a.sessions) s
     where ${scope} and (s->>'state' = 'active' or s->>'waitType' = 'Lock')
     group by 1, 2 order by 3 desc, 1, 2`.execute(db);
  const n = await sql<{ n: number }>`select count(*)::int as n from activity_snapshots a where ${scope}`.execute(db);
  return { snapshots: n.rows[0]?.n ?? 0, waits: waits.rows };
}
