import { sql } from 'kysely';
import type { Db } from '../db';
import type { DeliveryAttemptRow, DeliveryRow } from './integrations.tables';

export interface NewDelivery {
  id: string;
  organizationId: string;
  integrationId: string | null;
  kind: string | null;
  idempotencyKey: string;
  episodeId: string;
  alertId: string;
  event: string;
  profile: string;
  request: Record<string, unknown>;
  replayOf: string | null;
}

/** Records a delivery once: asked again for the same id (a retried activity), it returns the row already there. */
export async function insertDelivery(db: Db, d: NewDelivery): Promise<DeliveryRow> {
  await db
    .insertInto('deliveries')
    .values({
      id: d.id,
      organization_id: d.organizationId,
      integration_id: d.integrationId,
      kind: d.kind,
      idempotency_key: d.idempotencyKey,
      episode_id: d.episodeId,
      alert_id: d.alertId,
      event: d.event,
      profile: d.profile,
      request: JSON.stringify(d.request),
      replay_of: d.replayOf,
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
  return db.selectFrom('deliveries').selectAll().where('id', '=', d.id).executeTakeFirstOrThrow();
}

export async function findDelivery(db: Db, id: string): Promise<DeliveryRow | undefined> {
  return db.selectFrom('deliveries').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findOrganizationDelivery(db: Db, organizationId: string, id: string): Promise<DeliveryRow | undefined> {
  return db.selectFrom('deliveries').selectAll().where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();
}

export interface DeliveryProgress {
  status: string;
  lastStatus?: number | null;
  lastError?: string | null;
  finished?: boolean;
}

export async function updateDeliveryStatus(db: Db, id: string, p: DeliveryProgress): Promise<void> {
  await db
    .updateTable('deliveries')
    .set({
      status: p.status,
      ...(p.lastStatus !== undefined ? { last_status: p.lastStatus } : {}),
      ...(p.lastError !== undefined ? { last_error: p.lastError } : {}),
      ...(p.finished ? { finished_at: sql`now()` } : {}),
      attempts: sql`(select count(*)::int from delivery_attempts where delivery_id = ${id})`,
    })
    .where('id', '=', id)
    .execute();
}

export interface AttemptRecord {
  deliveryId: string;
  attempt: number;
  startedAt: Date;
  latencyMs: number;
  verdict: string;
  status: number | null;
  error: string | null;
  responseExcerpt: string | null;
  retryAfterMs: number | null;
}

/** One attempt; recorded again (an activity retried after a worker died), the later record wins. */
export async function recordDeliveryAttempt(db: Db, a: AttemptRecord): Promise<void> {
  const values = {
    delivery_id: a.deliveryId,
    attempt: a.attempt,
    started_at: a.startedAt,
    latency_ms: Math.round(a.latencyMs),
    verdict: a.verdict,
    status: a.status,
    error: a.error,
    response_excerpt: a.responseExcerpt,
    retry_after_ms: a.retryAfterMs === null ? null : Math.round(a.retryAfterMs),
  };
  await db
    .insertInto('delivery_attempts')
    .values(values)
    .onConflict((oc) => oc.columns(['delivery_id', 'attempt']).doUpdateSet(values))
    .execute();
  await db
    .updateTable('deliveries')
    .set({ attempts: sql`greatest(attempts, ${a.attempt})`, last_status: a.status, last_error: a.error })
    .where('id', '=', a.deliveryId)
    .execute();
}

export async function listDeliveryAttempts(db: Db, deliveryIds: readonly string[]): Promise<DeliveryAttemptRow[]> {
  if (deliveryIds.length === 0) return [];
  return db.selectFrom('delivery_attempts').selectAll().where('delivery_id', 'in', deliveryIds).orderBy('delivery_id').orderBy('attempt').execute();
}

export interface DeliveryFilter {
  organizationId: string;
  status?: string | undefined;
  integrationId?: string | undefined;
  alertId?: string | undefined;
  /** One alert episode (the alert's page lists its deliveries with their attempts). */
  episodeId?: string | undefined;
  /** The last HTTP status or SMTP code. */
  lastStatus?: number | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  ids?: readonly string[] | undefined;
}

/** Deliveries newest first, keyset-paged on (created_at, id). */
export async function listDeliveries(db: Db, f: DeliveryFilter, after: { at: Date; id: string } | undefined, limit: number): Promise<DeliveryRow[]> {
  let q = db.selectFrom('deliveries').selectAll().where('organization_id', '=', f.organizationId);
  if (f.status) q = q.where('status', '=', f.status);
  if (f.integrationId) q = q.where('integration_id', '=', f.integrationId);
  if (f.alertId) q = q.where('alert_id', '=', f.alertId);
  if (f.episodeId) q = q.where('episode_id', '=', f.episodeId);
  if (f.lastStatus !== undefined) q = q.where('last_status', '=', f.lastStatus);
  if (f.from) q = q.where('created_at', '>=', f.from);
  if (f.to) q = q.where('created_at', '<', f.to);
  if (f.ids) q = f.ids.length ? q.where('id', 'in', f.ids) : q.where(sql<boolean>`false`);
  if (after) q = q.where((eb) => eb.or([eb('created_at', '<', after.at), eb.and([eb('created_at', '=', after.at), eb('id', '<', after.id)])]));
  return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}

/**
 * Reserves the next send slot of a rate-limited destination (GCRA): one message every `intervalMs`, bursts of `burst`.
 * Returns how long to wait before sending; every caller gets its own slot, so a burst waits its turn and none is dropped.
 */
export async function reserveRateSlot(db: Db, key: string, intervalMs: number, burst = 1): Promise<number> {
  const interval = sql`make_interval(secs => ${intervalMs / 1000})`;
  const row = await sql<{ wait_ms: number }>`
    with now_ as (select clock_timestamp() as t),
    slot as (
      insert into delivery_rate_slots as s (key, tat) select ${key}, t + ${interval} from now_
      on conflict (key) do update set tat = greatest(s.tat, (select t from now_)) + ${interval}
      returning tat
    )
    select greatest(0, extract(epoch from (slot.tat - ${interval} * ${burst} - now_.t)) * 1000)::float8 as wait_ms from slot, now_`.execute(db);
  return Math.ceil(row.rows[0]?.wait_ms ?? 0);
}
