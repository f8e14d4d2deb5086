import { sql } from 'kysely';
import type { Db } from '../db';
import type { AuditEventRow } from './audit.tables';
import { withoutSecrets, type AuditEventInput } from './audit-event';

/**
 * Appends one audit event. Pass the transaction of the change it records, so the event and the change commit or roll
 * back together. There is deliberately no update or delete here (and a trigger refuses them).
 */
export async function recordAuditEvent(db: Db, event: AuditEventInput): Promise<void> {
  await db
    .insertInto('audit_events')
    .values({
      organization_id: event.organizationId,
      actor_user_id: event.actor.userId,
      actor: event.actor.label,
      action: event.action,
      object_type: event.object?.type ?? null,
      object_id: event.object?.id ?? null,
      ip: event.ip ?? null,
      user_agent: event.userAgent?.slice(0, 512) ?? null,
      before: event.before ? JSON.stringify(withoutSecrets(event.before)) : null,
      after: event.after ? JSON.stringify(withoutSecrets(event.after)) : null,
    })
    .execute();
}

export interface AuditEventFilter {
  /** null: the installation events, those of no organization (failed sign-ins for addresses that match no user). */
  organizationId: string | null;
  actor?: string | undefined;
  action?: string | undefined;
  objectType?: string | undefined;
  objectId?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  /** Events with an id below this one (newest first). */
  beforeId?: number | undefined;
}

export async function listAuditEvents(db: Db, filter: AuditEventFilter, limit: number): Promise<AuditEventRow[]> {
  let q = db.selectFrom('audit_events').selectAll();
  q = filter.organizationId === null ? q.where('organization_id', 'is', null) : q.where('organization_id', '=', filter.organizationId);
  if (filter.actor) {
    const actor = filter.actor;
    q = q.where((eb) => eb.or([eb('actor_user_id', '=', actor), eb(sql`lower(actor)`, '=', actor.toLowerCase())]));
  }
  if (filter.action) q = q.where('action', '=', filter.action);
  if (filter.objectType) q = q.where('object_type', '=', filter.objectType);
  if (filter.objectId) q = q.where('object_id', '=', filter.objectId);
  if (filter.from) q = q.where('created_at', '>=', filter.from);
  if (filter.to) q = q.where('created_at', '<', filter.to);
  if (filter.beforeId !== undefined) q = q.where('id', '<', filter.beforeId);
  return q.orderBy('id', 'desc').limit(limit).execute();
}

/**
 * The installation's first organization, the one created at first run (LOGSTAG_ADMIN_EMAIL or the setup link): its
 * Account Owners run the installation, so they are the ones who read the installation events.
 */
export async function firstOrganizationId(db: Db): Promise<string | undefined> {
  const row = await db.selectFrom('organizations').select('id').orderBy('created_at').orderBy('id').limit(1).executeTakeFirst();
  return row?.id;
}
