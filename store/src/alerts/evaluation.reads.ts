import type { ActivitySnapshotRow } from '../activity/activity.tables';
import type { Db } from '../db';

/** The payloads of a batch that alert evaluation looks at: stored collections (replayed ones are told apart). */
export async function payloadsToEvaluate(db: Db, ids: readonly string[]) {
  if (ids.length === 0) return [];
  return db
    .selectFrom('payloads')
    .select(['id', 'organization_id', 'target_id', 'engine', 'collected_at', 'replayed'])
    .where('id', 'in', ids)
    .where('status', '=', 'stored')
    .where('kind', '=', 'collection')
    .where('target_id', 'is not', null)
    .orderBy('collected_at')
    .execute();
}

export interface PointAt {
  metric: string;
  labelsKey: string;
  value: number;
}

/** The metric points one collection stored (metric points carry the collection's time), of these metrics. */
export async function metricPointsAt(db: Db, organizationId: string, targetId: string, ts: Date, metrics: readonly string[]): Promise<PointAt[]> {
  if (metrics.length === 0) return [];
  const rows = await db
    .selectFrom('metric_points')
    .select(['metric', 'labels_key', 'value'])
    .where('organization_id', '=', organizationId)
    .where('target_id', '=', targetId)
    .where('ts', '=', ts)
    .where('metric', 'in', metrics)
    .execute();
  return rows.map((r) => ({ metric: r.metric, labelsKey: r.labels_key, value: Number(r.value) }));
}

/** Each series' newest point of these metrics before `ts` (and after `since`): the previous collection's values. */
export async function previousPointsBefore(db: Db, organizationId: string, targetId: string, ts: Date, since: Date, metrics: readonly string[]): Promise<Array<PointAt & { ts: Date }>> {
  if (metrics.length === 0) return [];
  const rows = await db
    .selectFrom('metric_points')
    .select(['metric', 'labels_key', 'value', 'ts'])
    .distinctOn(['metric', 'labels_key'])
    .where('organization_id', '=', organizationId)
    .where('target_id', '=', targetId)
    .where('metric', 'in', metrics)
    .where('ts', '<', ts)
    .where('ts', '>=', since)
    .orderBy('metric')
    .orderBy('labels_key')
    .orderBy('ts', 'desc')
    .execute();
  return rows.map((r) => ({ metric: r.metric, labelsKey: r.labels_key, value: Number(r.value), ts: r.ts }));
}

/** The activity snapshots these payloads stored. */
export async function activitySnapshotsOf(db: Db, payloadIds: readonly string[]): Promise<ActivitySnapshotRow[]> {
  if (payloadIds.length === 0) return [];
  return db.selectFrom('activity_snapshots').selectAll().where('payload_id', 'in', payloadIds).execute();
}

/** Engine, tags, agent and last collection of targets (scope matching, absence). */
export async function targetsOf(db: Db, organizationId: string, targetIds?: readonly string[]) {
  let q = db.selectFrom('targets').select(['target_id', 'engine', 'tags', 'agent_id', 'last_seen']).where('organization_id', '=', organizationId);
  if (targetIds) {
    if (targetIds.length === 0) return [];
    q = q.where('target_id', 'in', targetIds);
  }
  return q.execute();
}

export async function agentsOf(db: Db, organizationId: string) {
  return db.selectFrom('agents').select(['agent_id', 'hostname', 'last_heartbeat']).where('organization_id', '=', organizationId).execute();
}

/** Raw metric points of these metrics over a range (a rule's preview), by target and time; at most `limit` rows. */
export async function metricPointsInRange(db: Db, organizationId: string, metrics: readonly string[], from: Date, to: Date, limit = 500_000) {
  if (metrics.length === 0) return [];
  const rows = await db
    .selectFrom('metric_points')
    .select(['target_id', 'ts', 'metric', 'labels_key', 'value'])
    .where('organization_id', '=', organizationId)
    .where('metric', 'in', metrics)
    .where('ts', '>=', from)
    .where('ts', '<', to)
    .orderBy('target_id')
    .orderBy('ts')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ targetId: r.target_id, ts: r.ts, metric: r.metric, labelsKey: r.labels_key, value: Number(r.value) }));
}
