// Integrations for Admins: create, change (secrets replaced field by field, never read back), delete, test send; and
// the deliveries: list with attempts, replay (one, a selection, or what a filter matches; edited or not). Every change
// and replay is audit-logged; secret values never reach a log, an audit summary or an answer.
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { isGrpcServiceError, type Client } from '@temporalio/client';
import { type z } from 'zod';
import {
  DEFAULT_E2E_TEST_SETTINGS,
  integrationConfigSchemas,
  integrationSecretSchemas,
  notificationRequestSchema,
  type DeliveryResult,
  type E2eTestSettings,
  type IntegrationKind,
  type NotificationRequest,
  type ReplayEdit,
} from '@logstag/schema';
import type { DeliveryView, E2eTestSettingsView, IntegrationView, ReplayResult } from '@logstag/schema/api';
import {
  deleteIntegration,
  findE2eTestSettings,
  findIntegration,
  findOrganizationDelivery,
  insertIntegration,
  integrationHealth,
  listDeliveries,
  listDeliveryAttempts,
  listE2eTestResults,
  listIntegrations,
  saveE2eTestSettings,
  updateIntegration,
  type Database,
  type DeliveryFilter,
  type IntegrationE2eSettingsRow,
  type IntegrationRow,
  type SecretBox,
} from '@logstag/store';
import { TASK_QUEUE, workflowIds, workflowTypes } from '@logstag/temporal/contracts';
import { recordAuditEvent, type AuditContext } from '../audit';
import { ApiError } from '../http/api-error';
import { deliveryView, integrationView } from './integration-view';

/** Puts (or, when off, removes) an organization's daily end-to-end test Schedule (temporal/src/schedules/integration-e2e-schedule.ts). */
export type IntegrationE2eScheduler = (organizationId: string, settings: E2eTestSettings) => Promise<void>;

export interface IntegrationsDeps {
  db: Kysely<Database>;
  secrets: SecretBox;
  temporal: () => Client | null;
  /** Injected by the process shell (api/src/server); absent in tests without Temporal: the setting is saved, not scheduled. */
  e2eSchedules?: IntegrationE2eScheduler | undefined;
}

export interface IntegrationInput {
  kind: IntegrationKind;
  name: string;
  config: Record<string, unknown>;
  secrets: Record<string, unknown>;
}

export interface IntegrationChangeInput {
  name?: string | undefined;
  config?: Record<string, unknown> | undefined;
  /** Fields given replace the stored ones; fields left out keep theirs. */
  secrets?: Record<string, unknown> | undefined;
  enabled?: boolean | undefined;
}

/** The most deliveries one replay call starts (a filter matching more is refused: narrow it). */
export const REPLAY_LIMIT = 500;

function validated<S extends z.ZodType>(schema: S, value: unknown, field: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new ApiError(400, 'validation_failed', 'the request does not match the expected input', {
      issues: parsed.error.issues.map((i) => ({ path: [field, ...i.path].join('.'), message: i.message })),
    });
  }
  return parsed.data;
}

/** Temporal refused the request itself (gRPC INVALID_ARGUMENT), e.g. a time zone its server does not know. */
function invalidArgument(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (isGrpcServiceError(e) && e.code === 3) return true;
  }
  return false;
}

/** What an audit summary may say about an integration: never its secrets, only which secret fields are set. */
const summary = (row: IntegrationRow, secretFields: string[]) => ({ kind: row.kind, name: row.name, enabled: row.enabled, config: row.config, sealedFieldsSet: secretFields });

export function createIntegrationsService({ db, secrets: box, temporal, e2eSchedules }: IntegrationsDeps) {
  const openSecrets = (row: IntegrationRow): Record<string, unknown> => {
    try {
      return box.open<Record<string, unknown>>(row.secrets_sealed);
    } catch {
      // The key changed: show which fields exist as unreadable rather than failing the whole list.
      return Object.fromEntries(Object.keys(integrationSecretSchemas[row.kind as IntegrationKind].shape).map((k) => [k, '(unreadable: the secret key changed)']));
    }
  };
  const setFields = (s: Record<string, unknown>) => Object.keys(s).filter((k) => s[k] !== null && s[k] !== undefined && s[k] !== '');

  async function view(organizationId: string, row: IntegrationRow): Promise<IntegrationView> {
    const [health, e2e] = await Promise.all([integrationHealth(db, organizationId, new Date()), listE2eTestResults(db, organizationId)]);
    return integrationView(
      row,
      openSecrets(row),
      health.find((h) => h.integration_id === row.id),
      e2e.find((r) => r.integration_id === row.id),
    );
  }

  const settingsView = (row: IntegrationE2eSettingsRow | undefined): E2eTestSettingsView =>
    row ? { enabled: row.enabled, hour: row.hour, timeZone: row.time_zone, updatedAt: row.updated_at.toISOString() } : { ...DEFAULT_E2E_TEST_SETTINGS, updatedAt: null };

  async function mustFind(organizationId: string, id: string): Promise<IntegrationRow> {
    const row = await findIntegration(db, organizationId, id);
    if (!row) throw new ApiError(404, 'not_found', 'integration not found');
    return row;
  }

  function client(): Client {
    const c = temporal();
    if (!c) throw new ApiError(503, 'unavailable', 'Temporal is not connected; try again in a moment');
    return c;
  }

  async function startDelivery(request: NotificationRequest, options: { profile?: 'once' } = {}) {
    return client().workflow.start(workflowTypes.delivery, {
      workflowId: workflowIds.delivery(request.notificationId),
      taskQueue: TASK_QUEUE,
      args: [request, options],
    });
  }

  async function deliveriesWithAttempts(rows: Awaited<ReturnType<typeof listDeliveries>>): Promise<DeliveryView[]> {
    const attempts = await listDeliveryAttempts(db, rows.map((r) => r.id));
    return rows.map((r) => deliveryView(r, attempts));
  }

  return {
    async list(organizationId: string): Promise<IntegrationView[]> {
      const [rows, health, e2e] = await Promise.all([listIntegrations(db, organizationId), integrationHealth(db, organizationId, new Date()), listE2eTestResults(db, organizationId)]);
      return rows.map((r) =>
        integrationView(
          r,
          openSecrets(r),
          health.find((h) => h.integration_id === r.id),
          e2e.find((x) => x.integration_id === r.id),
        ),
      );
    },

    async get(organizationId: string, id: string): Promise<IntegrationView> {
      return view(organizationId, await mustFind(organizationId, id));
    },

    async create(organizationId: string, input: IntegrationInput, audit: AuditContext): Promise<IntegrationView> {
      const config = validated(integrationConfigSchemas[input.kind], input.config, 'config');
      const secrets = validated(integrationSecretSchemas[input.kind], input.secrets, 'secrets');
      return db.transaction().execute(async (trx) => {
        const row = await insertIntegration(trx, { id: randomUUID(), organizationId, kind: input.kind, name: input.name, config, secretsSealed: box.seal(secrets) });
        await recordAuditEvent(trx, { ...audit, action: 'integration.created', object: { type: 'integration', id: row.id }, after: summary(row, setFields(secrets)) });
        return integrationView(row, secrets, undefined);
      });
    },

    async update(organizationId: string, id: string, change: IntegrationChangeInput, audit: AuditContext): Promise<IntegrationView> {
      return db.transaction().execute(async (trx) => {
        const before = await findIntegration(trx, organizationId, id);
        if (!before) throw new ApiError(404, 'not_found', 'integration not found');
        const kind = before.kind as IntegrationKind;
        const config = change.config ? validated(integrationConfigSchemas[kind], change.config, 'config') : undefined;
        const current = openSecrets(before);
        const secrets = change.secrets ? validated(integrationSecretSchemas[kind], { ...current, ...change.secrets }, 'secrets') : current;
        const after = await updateIntegration(trx, organizationId, id, {
          ...(change.name !== undefined ? { name: change.name } : {}),
          ...(config ? { config } : {}),
          ...(change.secrets ? { secretsSealed: box.seal(secrets) } : {}),
          // Enabling again clears why it was turned off (a 410, an Admin).
          ...(change.enabled !== undefined ? { enabled: change.enabled, disabledReason: change.enabled ? null : 'turned off by an Admin' } : {}),
        });
        await recordAuditEvent(trx, {
          ...audit,
          action: 'integration.updated',
          object: { type: 'integration', id },
          before: summary(before, setFields(current)),
          after: { ...summary(after!, setFields(secrets)), sealedFieldsChanged: Object.keys(change.secrets ?? {}) },
        });
        return view(organizationId, after!);
      });
    },

    async remove(organizationId: string, id: string, audit: AuditContext): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const before = await findIntegration(trx, organizationId, id);
        if (!before) throw new ApiError(404, 'not_found', 'integration not found');
        await deleteIntegration(trx, organizationId, id);
        await recordAuditEvent(trx, { ...audit, action: 'integration.deleted', object: { type: 'integration', id }, before: summary(before, []) });
      });
    },

    /** A test notification through the integration, one attempt, no retries; waits up to `waitMs` for its end. */
    async testSend(organizationId: string, id: string, audit: AuditContext, waitMs = 45_000): Promise<DeliveryView> {
      const row = await mustFind(organizationId, id);
      const now = new Date().toISOString();
      const notificationId = `test-${randomUUID()}`;
      const request: NotificationRequest = {
        organizationId,
        notificationId,
        episodeId: notificationId,
        event: 'test',
        recipient: { kind: 'integration', integrationId: row.id },
        alert: {
          alertId: 'test',
          ruleId: 'test',
          ruleName: `Test notification from Logstag to ${row.name}`,
          severity: 'info',
          status: 'test',
          targetId: null,
          targetName: null,
          engine: null,
          summary: `This is a test of the integration "${row.name}". If you read this, it works.`,
          labels: { logstag_test: 'true' },
          values: {},
          startsAt: now,
          endsAt: null,
          url: null,
        },
        idempotencyKey: notificationId,
        requestedAt: now,
        replayOf: null,
      };
      const handle = await startDelivery(request, { profile: 'once' });
      await recordAuditEvent(db, { ...audit, action: 'integration.tested', object: { type: 'integration', id }, after: { deliveryId: notificationId } });
      await Promise.race([handle.result().catch(() => undefined) as Promise<DeliveryResult | undefined>, new Promise((r) => setTimeout(r, waitMs))]);
      const d = await findOrganizationDelivery(db, organizationId, notificationId);
      if (!d) throw new ApiError(503, 'unavailable', 'the test delivery has not started yet; look for it in the delivery log');
      return (await deliveriesWithAttempts([d]))[0]!;
    },

    async e2eTestSettings(organizationId: string): Promise<E2eTestSettingsView> {
      return settingsView(await findE2eTestSettings(db, organizationId));
    },

    /**
     * Turns the daily end-to-end test on or off and sets its hour: saved, its Temporal Schedule put (or removed when
     * off), and audit-logged, in one transaction, so a Schedule that cannot be put leaves the setting as it was.
     */
    async saveE2eTestSettings(organizationId: string, settings: E2eTestSettings, audit: AuditContext): Promise<E2eTestSettingsView> {
      return db.transaction().execute(async (trx) => {
        const before = settingsView(await findE2eTestSettings(trx, organizationId));
        const after = settingsView(await saveE2eTestSettings(trx, organizationId, settings));
        try {
          await e2eSchedules?.(organizationId, settings);
        } catch (err) {
          if (invalidArgument(err)) throw new ApiError(400, 'validation_failed', `Temporal refused the schedule: ${(err as Error).message}`);
          throw err;
        }
        await recordAuditEvent(trx, {
          ...audit,
          action: 'integration_e2e_test.updated',
          object: { type: 'organization', id: organizationId },
          before: { enabled: before.enabled, hour: before.hour, timeZone: before.timeZone },
          after: { enabled: after.enabled, hour: after.hour, timeZone: after.timeZone },
        });
        return after;
      });
    },

    async listDeliveries(filter: DeliveryFilter, after: { at: Date; id: string } | undefined, limit: number): Promise<DeliveryView[]> {
      return deliveriesWithAttempts(await listDeliveries(db, filter, after, limit));
    },

    async getDelivery(organizationId: string, id: string): Promise<DeliveryView> {
      const d = await findOrganizationDelivery(db, organizationId, id);
      if (!d) throw new ApiError(404, 'not_found', 'delivery not found');
      return (await deliveriesWithAttempts([d]))[0]!;
    },

    /**
     * Replays failed deliveries: each becomes a new delivery (a new notification id, `replayOf` the original) with
     * the original's idempotency key, so a dedup-aware receiver does not notify twice; edited when `edit` says so.
     */
    async replay(organizationId: string, selection: { ids?: string[] | undefined; filter?: Omit<DeliveryFilter, 'organizationId'> | undefined }, edit: ReplayEdit, audit: AuditContext): Promise<ReplayResult> {
      if (!selection.ids && !selection.filter) throw new ApiError(400, 'validation_failed', 'name the deliveries to replay: ids or a filter');
      const rows = await listDeliveries(db, { ...selection.filter, organizationId, ...(selection.ids ? { ids: selection.ids } : {}) }, undefined, REPLAY_LIMIT + 1);
      if (rows.length > REPLAY_LIMIT) throw new ApiError(400, 'validation_failed', `the selection holds more than ${REPLAY_LIMIT} deliveries; narrow the filter`);
      if (selection.ids && rows.length < new Set(selection.ids).size) throw new ApiError(404, 'not_found', 'a delivery of the selection was not found');
      const notFailed = rows.filter((r) => r.status !== 'failed' && r.status !== 'integration_disabled');
      if (notFailed.length) throw new ApiError(409, 'conflict', `only failed deliveries can be replayed (${notFailed.map((r) => `${r.id} is ${r.status}`).join(', ')})`);
      if (edit.integrationId) await mustFind(organizationId, edit.integrationId);
      client();
      const replayed: ReplayResult['replayed'] = [];
      for (const original of rows) {
        const request = notificationRequestSchema.parse(original.request);
        const notificationId = `replay-${randomUUID()}`;
        const replay: NotificationRequest = {
          ...request,
          notificationId,
          requestedAt: new Date().toISOString(),
          replayOf: original.id,
          recipient: edit.integrationId ? { kind: 'integration', integrationId: edit.integrationId } : request.recipient,
          alert: { ...request.alert, ...(edit.summary !== undefined ? { summary: edit.summary } : {}), ...(edit.severity ? { severity: edit.severity } : {}) },
        };
        await startDelivery(replay);
        await recordAuditEvent(db, {
          ...audit,
          action: 'delivery.replayed',
          object: { type: 'delivery', id: original.id },
          after: { deliveryId: notificationId, idempotencyKey: replay.idempotencyKey, edit },
        });
        replayed.push({ originalId: original.id, deliveryId: notificationId });
      }
      return { replayed };
    },
  };
}

export type IntegrationsService = ReturnType<typeof createIntegrationsService>;
