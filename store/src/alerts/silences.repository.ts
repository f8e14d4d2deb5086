import { randomUUID } from 'node:crypto';
import { sql, type ColumnType, type Selectable } from 'kysely';
import { alertMatchersSchema, type AlertMatchers, type MaintenanceWindowInput } from '@logstag/schema';
import type { GeneratedTimestamp, Json, Timestamp } from '../column-types';
import type { Db } from '../db';

export interface AlertSilenceTable {
  id: string;
  organization_id: string;
  matchers: Json<unknown>;
  reason: string;
  created_by: string;
  starts_at: Timestamp;
  ends_at: Timestamp;
  created_at: GeneratedTimestamp;
  deleted_at: Timestamp | null;
}

export interface MaintenanceWindowTable {
  id: string;
  organization_id: string;
  name: string;
  matchers: Json<unknown>;
  start_local: string;
  duration_minutes: number;
  time_zone: string;
  rrule: string | null;
  created_by: string;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
  deleted_at: Timestamp | null;
}

export interface SilencesTables {
  alert_silences: AlertSilenceTable;
  maintenance_windows: MaintenanceWindowTable;
}

export interface AlertSilence {
  id: string;
  matchers: AlertMatchers;
  reason: string;
  createdBy: string;
  startsAt: Date;
  endsAt: Date;
  createdAt: Date;
  /** When it was ended early (DELETE /api/silences/:id); null when it runs, or ran, to `endsAt`. */
  expiredAt: Date | null;
}

export interface MaintenanceWindow extends MaintenanceWindowInput {
  id: string;
  createdBy: string;
  createdAt: Date;
}

const silenceOf = (r: Selectable<AlertSilenceTable>): AlertSilence => ({
  id: r.id,
  matchers: alertMatchersSchema.parse(r.matchers),
  reason: r.reason,
  createdBy: r.created_by,
  startsAt: r.starts_at,
  endsAt: r.ends_at,
  createdAt: r.created_at,
  expiredAt: r.deleted_at,
});

const windowOf = (r: Selectable<MaintenanceWindowTable>): MaintenanceWindow => {
  const m = alertMatchersSchema.parse(r.matchers);
  return { id: r.id, name: r.name, matchers: { targetIds: m.targetIds, tags: m.tags }, start: r.start_local, durationMinutes: r.duration_minutes, timeZone: r.time_zone, rrule: r.rrule, createdBy: r.created_by, createdAt: r.created_at };
};

export async function insertSilence(db: Db, organizationId: string, s: { matchers: AlertMatchers; reason: string; createdBy: string; startsAt: Date; endsAt: Date }): Promise<AlertSilence> {
  const row = await db
    .insertInto('alert_silences')
    .values({ id: randomUUID(), organization_id: organizationId, matchers: JSON.stringify(s.matchers), reason: s.reason, created_by: s.createdBy, starts_at: s.startsAt, ends_at: s.endsAt, deleted_at: null })
    .returningAll()
    .executeTakeFirstOrThrow();
  return silenceOf(row);
}

/** Silences not expired nor removed (those starting later included), soonest end first. */
export async function listSilences(db: Db, organizationId: string, at: Date): Promise<AlertSilence[]> {
  const rows = await db.selectFrom('alert_silences').selectAll().where('organization_id', '=', organizationId).where('deleted_at', 'is', null).where('ends_at', '>', at).orderBy('ends_at').execute();
  return rows.map(silenceOf);
}

/** Silences that have ended by `at` (ran out, or ended early), most recently ended first: the record of them. */
export async function listEndedSilences(db: Db, organizationId: string, at: Date, limit: number): Promise<AlertSilence[]> {
  const rows = await db
    .selectFrom('alert_silences')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where((eb) => eb.or([eb('deleted_at', 'is not', null), eb('ends_at', '<=', at)]))
    .orderBy(sql`coalesce(deleted_at, ends_at)`, 'desc')
    .limit(limit)
    .execute();
  return rows.map(silenceOf);
}

/** Ends a silence now (kept for the record). */
export async function expireSilence(db: Db, organizationId: string, id: string): Promise<boolean> {
  const r = await db.updateTable('alert_silences').set({ deleted_at: sql<Date>`now()` }).where('organization_id', '=', organizationId).where('id', '=', id).where('deleted_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function insertMaintenanceWindow(db: Db, organizationId: string, w: MaintenanceWindowInput, createdBy: string): Promise<MaintenanceWindow> {
  const row = await db
    .insertInto('maintenance_windows')
    .values({ id: randomUUID(), organization_id: organizationId, name: w.name, matchers: JSON.stringify({ ruleIds: [], ...w.matchers }), start_local: w.start, duration_minutes: w.durationMinutes, time_zone: w.timeZone, rrule: w.rrule, created_by: createdBy, deleted_at: null })
    .returningAll()
    .executeTakeFirstOrThrow();
  return windowOf(row);
}

export async function listMaintenanceWindows(db: Db, organizationId: string): Promise<MaintenanceWindow[]> {
  const rows = await db.selectFrom('maintenance_windows').selectAll().where('organization_id', '=', organizationId).where('deleted_at', 'is', null).orderBy('name').execute();
  return rows.map(windowOf);
}

export async function deleteMaintenanceWindow(db: Db, organizationId: string, id: string): Promise<boolean> {
  const r = await db.updateTable('maintenance_windows').set({ deleted_at: sql<Date>`now()` }).where('organization_id', '=', organizationId).where('id', '=', id).where('deleted_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}
