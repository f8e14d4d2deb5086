// The daily end-to-end test of integrations: each organization's setting, and per integration its last result.
import { sql } from 'kysely';
import type { Db } from '../db';
import type { IntegrationE2eResultRow, IntegrationE2eSettingsRow } from './integrations.tables';

export async function findE2eTestSettings(db: Db, organizationId: string): Promise<IntegrationE2eSettingsRow | undefined> {
  return db.selectFrom('integration_e2e_settings').selectAll().where('organization_id', '=', organizationId).executeTakeFirst();
}

export async function saveE2eTestSettings(db: Db, organizationId: string, s: { enabled: boolean; hour: number; timeZone: string }): Promise<IntegrationE2eSettingsRow> {
  return db
    .insertInto('integration_e2e_settings')
    .values({ organization_id: organizationId, enabled: s.enabled, hour: s.hour, time_zone: s.timeZone })
    .onConflict((oc) => oc.column('organization_id').doUpdateSet({ enabled: s.enabled, hour: s.hour, time_zone: s.timeZone, updated_at: sql`now()` }))
    .returningAll()
    .executeTakeFirstOrThrow();
}

export interface E2eTestOutcome {
  organizationId: string;
  integrationId: string;
  at: Date;
  ok: boolean;
  error: string | null;
  deliveryId: string | null;
}

/**
 * Records one integration's test result, keeping the last success and the last failure apart. An integration deleted
 * while its test ran records nothing (the insert selects it from integrations of the same organization).
 */
export async function recordE2eTestOutcome(db: Db, o: E2eTestOutcome): Promise<void> {
  const result = o.ok ? 'ok' : 'failed';
  const success = o.ok ? o.at : null;
  const failure = o.ok ? null : o.at;
  await db
    .insertInto('integration_e2e_results')
    .columns(['integration_id', 'organization_id', 'last_run_at', 'last_result', 'last_success_at', 'last_failure_at', 'last_error', 'last_delivery_id'])
    .expression((eb) =>
      eb
        .selectFrom('integrations')
        .select([
          'id',
          'organization_id',
          sql<Date>`${o.at}::timestamptz`.as('last_run_at'),
          sql<string>`${result}::text`.as('last_result'),
          sql<Date | null>`${success}::timestamptz`.as('last_success_at'),
          sql<Date | null>`${failure}::timestamptz`.as('last_failure_at'),
          sql<string | null>`${o.error}::text`.as('last_error'),
          sql<string | null>`${o.deliveryId}::text`.as('last_delivery_id'),
        ])
        .where('id', '=', o.integrationId)
        .where('organization_id', '=', o.organizationId),
    )
    .onConflict((oc) =>
      oc.column('integration_id').doUpdateSet({
        last_run_at: (eb) => eb.ref('excluded.last_run_at'),
        last_result: (eb) => eb.ref('excluded.last_result'),
        last_success_at: sql`coalesce(excluded.last_success_at, integration_e2e_results.last_success_at)`,
        last_failure_at: sql`coalesce(excluded.last_failure_at, integration_e2e_results.last_failure_at)`,
        last_error: (eb) => eb.ref('excluded.last_error'),
        last_delivery_id: (eb) => eb.ref('excluded.last_delivery_id'),
      }),
    )
    .execute();
}

export async function listE2eTestResults(db: Db, organizationId: string): Promise<IntegrationE2eResultRow[]> {
  return db.selectFrom('integration_e2e_results').selectAll().where('organization_id', '=', organizationId).execute();
}

/** Every organization that has the daily end-to-end test on: their Schedules are put again at start-up. */
export async function listEnabledE2eTestSettings(db: Db): Promise<IntegrationE2eSettingsRow[]> {
  return db.selectFrom('integration_e2e_settings').selectAll().where('enabled', '=', true).orderBy('organization_id').execute();
}
