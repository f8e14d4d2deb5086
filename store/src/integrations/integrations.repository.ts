import { sql } from 'kysely';
import type { Db } from '../db';
import type { IntegrationRow } from './integrations.tables';

export interface NewIntegration {
  id: string;
  organizationId: string;
  kind: string;
  name: string;
  config: Record<string, unknown>;
  secretsSealed: string;
}

export async function insertIntegration(db: Db, i: NewIntegration): Promise<IntegrationRow> {
  return db
    .insertInto('integrations')
    .values({ id: i.id, organization_id: i.organizationId, kind: i.kind, name: i.name, config: JSON.stringify(i.config), secrets_sealed: i.secretsSealed })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** One integration of the organization; undefined for another organization's id. */
export async function findIntegration(db: Db, organizationId: string, id: string): Promise<IntegrationRow | undefined> {
  return db.selectFrom('integrations').selectAll().where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();
}

export async function listIntegrations(db: Db, organizationId: string): Promise<IntegrationRow[]> {
  return db.selectFrom('integrations').selectAll().where('organization_id', '=', organizationId).orderBy('name').orderBy('id').execute();
}

/** The organization's first enabled e-mail integration: how notifications reach users by address. */
export async function findEmailIntegration(db: Db, organizationId: string): Promise<IntegrationRow | undefined> {
  return db
    .selectFrom('integrations')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('kind', '=', 'email')
    .where('enabled', '=', true)
    .orderBy('created_at')
    .limit(1)
    .executeTakeFirst();
}

export interface IntegrationChange {
  name?: string;
  config?: Record<string, unknown>;
  secretsSealed?: string;
  enabled?: boolean;
  disabledReason?: string | null;
}

export async function updateIntegration(db: Db, organizationId: string, id: string, change: IntegrationChange): Promise<IntegrationRow | undefined> {
  return db
    .updateTable('integrations')
    .set({
      ...(change.name !== undefined ? { name: change.name } : {}),
      ...(change.config !== undefined ? { config: JSON.stringify(change.config) } : {}),
      ...(change.secretsSealed !== undefined ? { secrets_sealed: change.secretsSealed } : {}),
      ...(change.enabled !== undefined ? { enabled: change.enabled } : {}),
      ...(change.disabledReason !== undefined ? { disabled_reason: change.disabledReason } : {}),
      updated_at: sql`now()`,
    })
    .where('organization_id', '=', organizationId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

export async function deleteIntegration(db: Db, organizationId: string, id: string): Promise<boolean> {
  const r = await db.deleteFrom('integrations').where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

export interface IntegrationHealth {
  integration_id: string;
  last_success_at: Date | null;
  last_failure_at: Date | null;
  delivered_7d: number;
  failed_7d: number;
}

/** Per integration: last delivered and last failed delivery, and the counts of the 7 days before `now`. */
export async function integrationHealth(db: Db, organizationId: string, now: Date): Promise<IntegrationHealth[]> {
  const since = new Date(now.getTime() - 7 * 86_400_000);
  return db
    .selectFrom('deliveries')
    .where('organization_id', '=', organizationId)
    .where('integration_id', 'is not', null)
    .where('status', 'in', ['delivered', 'failed', 'integration_disabled'])
    .groupBy('integration_id')
    .select((eb) => [
      eb.ref('integration_id').$castTo<string>().as('integration_id'),
      sql<Date | null>`max(finished_at) filter (where status = 'delivered')`.as('last_success_at'),
      sql<Date | null>`max(finished_at) filter (where status <> 'delivered')`.as('last_failure_at'),
      sql<number>`count(*) filter (where status = 'delivered' and finished_at >= ${since})::int`.as('delivered_7d'),
      sql<number>`count(*) filter (where status <> 'delivered' and finished_at >= ${since})::int`.as('failed_7d'),
    ])
    .execute();
}

/** An integration by id alone: for inbound webhooks, which verify the request with the integration's own secret. */
export async function findIntegrationById(db: Db, id: string): Promise<IntegrationRow | undefined> {
  return db.selectFrom('integrations').selectAll().where('id', '=', id).executeTakeFirst();
}
