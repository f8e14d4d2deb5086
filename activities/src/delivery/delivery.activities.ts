// The delivery workflow's activities: record the delivery, reserve a rate-limit slot, make one attempt (recorded with
// its status, latency and a scrubbed excerpt), and finish (a 410 disables the integration and tells the Admins).
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import {
  ATTEMPT_TIMEOUT_MS,
  integrationConfigSchemas,
  integrationSecretSchemas,
  notificationRequestSchema,
  RETRY_PROFILE_OF,
  type AttemptVerdict,
  type DeliveryOutcome,
  type IntegrationKind,
  type NotificationRequest,
  type RetryProfileName,
} from '@logstag/schema';
import {
  findDelivery,
  findEmailIntegration,
  findIntegration,
  insertDelivery,
  recordAuditEvent,
  recordDeliveryAttempt,
  reserveRateSlot,
  updateDeliveryStatus,
  updateIntegration,
  type IntegrationRow,
} from '@logstag/store';
import type { ActivityDeps } from '../deps';
import { adapterOf, type AttemptResult } from './adapters/index';
import type { RateLimit } from './adapters/adapter';
import type { DeliveryDeps } from './delivery-deps';
import { sendHttp } from './http-transport';

export interface PreparedDelivery {
  deliveryId: string;
  profile: RetryProfileName;
  /** Set when there is nothing to send: the integration is gone or disabled. */
  outcome: DeliveryOutcome | null;
  reason: string | null;
  rateLimited: boolean;
}

export interface AttemptSummary {
  verdict: AttemptVerdict;
  status: number | null;
  retryAfterMs: number | null;
  error: string | null;
}

export const DELIVERY_BAD_REQUEST = 'DeliveryBadRequest';

/**
 * Heartbeats every 2 s while `work` runs, so a worker killed mid-attempt is noticed within the workflow's heartbeat
 * timeout (seconds), not the attempt's start-to-close timeout; outside an activity (unit tests) it just awaits.
 */
async function heartbeating<T>(work: () => Promise<T>): Promise<T> {
  let ctx: Context;
  try {
    ctx = Context.current();
  } catch {
    return work();
  }
  const timer = setInterval(() => ctx.heartbeat(), 2_000);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}

export function createDeliveryActivities(deps: Pick<ActivityDeps, 'db' | 'clock' | 'logger' | 'config'> & { delivery: DeliveryDeps | null }) {
  const { db, clock, logger } = deps;
  const delivery = () => {
    if (!deps.delivery) throw ApplicationFailure.nonRetryable('this worker has no secret key for integrations', 'DeliveryNotConfigured');
    return deps.delivery;
  };

  async function integrationOf(request: NotificationRequest): Promise<IntegrationRow | undefined> {
    if (request.recipient.kind === 'integration') return findIntegration(db, request.organizationId, request.recipient.integrationId);
    return findEmailIntegration(db, request.organizationId);
  }

  function open(row: IntegrationRow) {
    const kind = row.kind as IntegrationKind;
    const config = integrationConfigSchemas[kind].parse(row.config);
    const secrets = integrationSecretSchemas[kind].parse(delivery().secrets.open(row.secrets_sealed));
    return { kind, config, secrets };
  }

  /**
   * The integration's settings, or why they cannot be read (another LOGSTAG_SECRET_KEY sealed them, or they no longer
   * match the kind's schema): no retry fixes that, so the delivery fails with the reason instead of retrying.
   */
  function tryOpen(row: IntegrationRow): ReturnType<typeof open> | { unreadable: string } {
    try {
      return open(row);
    } catch (err) {
      if (err instanceof ApplicationFailure) throw err;
      return { unreadable: `the integration's settings cannot be read: ${(err as Error).message.slice(0, 300)}` };
    }
  }

  /** The acknowledge link of a notification that asks someone to act (not for acknowledgements, resolutions, tests). */
  function ackUrlOf(request: NotificationRequest, now: Date): string | null {
    const ack = deps.delivery?.ackLinks;
    if (!ack?.publicUrl || ['acknowledge', 'resolve', 'test'].includes(request.event)) return null;
    const token = ack.links.sign({ organizationId: request.organizationId, episodeId: request.episodeId }, now);
    return `${ack.publicUrl.replace(/\/+$/, '')}/ack/${token}`;
  }

  /** One request through the kind's adapter, heartbeating while it runs; an adapter that throws is a retryable attempt. */
  async function send(deliveryId: string, profile: string, request: NotificationRequest, opened: ReturnType<typeof open>, startedAt: Date): Promise<AttemptResult> {
    const adapter = adapterOf(opened.kind)!;
    const timeoutMs = ATTEMPT_TIMEOUT_MS[profile as RetryProfileName] ?? 30_000;
    const policy = delivery().destinations;
    await updateDeliveryStatus(db, deliveryId, { status: 'delivering' });
    try {
      const deliver = adapter.send as (i: unknown, io: unknown) => Promise<AttemptResult>;
      const limit = (adapter.rateLimit as (c: unknown, s: unknown) => RateLimit | null)(opened.config, opened.secrets);
      return await heartbeating(async () => {
        if (limit) {
          // The send gate: the workflow slept until its slot, but timers fire late on a busy server and bunch up;
          // here sends to one destination are spaced by the interval again, at the moment they happen.
          const wait = await reserveRateSlot(db, `gate:${limit.key}`, limit.intervalMs, 1);
          if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        }
        return deliver(
          { request, config: opened.config, secrets: opened.secrets, now: startedAt, publicUrl: deps.config.publicUrl, ackUrl: ackUrlOf(request, startedAt) },
          { http: (req: Parameters<typeof sendHttp>[0]) => sendHttp(req, { timeoutMs, policy }), timeoutMs, policy },
        );
      });
    } catch (err) {
      // An adapter bug or an unexpected library error: recorded as a retryable attempt, never a silent loss.
      const message = (err as Error).message ?? String(err);
      return { verdict: 'retry', status: null, retryAfterMs: null, error: `adapter error: ${message.slice(0, 500)}`, responseExcerpt: null, latencyMs: clock().getTime() - startedAt.getTime() };
    }
  }

  return {
    /** Records the delivery (once per notification id) and says which profile it runs on, or that it cannot run. */
    async prepareDelivery(input: unknown, profileOverride: RetryProfileName | null): Promise<PreparedDelivery> {
      const parsed = notificationRequestSchema.safeParse(input);
      if (!parsed.success) throw ApplicationFailure.nonRetryable(`not a NotificationRequest: ${parsed.error.message}`, DELIVERY_BAD_REQUEST);
      const request = parsed.data;
      const row = await integrationOf(request);
      const kind = (row?.kind ?? null) as IntegrationKind | null;
      const profile = profileOverride ?? (kind ? RETRY_PROFILE_OF[kind] : 'durable');
      const d = await insertDelivery(db, {
        id: request.notificationId,
        organizationId: request.organizationId,
        integrationId: row?.id ?? null,
        kind,
        idempotencyKey: request.idempotencyKey,
        episodeId: request.episodeId,
        alertId: request.alert.alertId,
        event: request.event,
        profile,
        request: request as unknown as Record<string, unknown>,
        replayOf: request.replayOf,
      });
      const base = { deliveryId: d.id, profile: d.profile as RetryProfileName, rateLimited: false };
      if (d.finished_at !== null) {
        // The same notification asked again after its delivery ended (a start with a reused id): it is not sent twice.
        return { ...base, outcome: d.status as DeliveryOutcome, reason: `already ${d.status}: ${d.last_error ?? 'nothing sent again'}` };
      }
      if (!row) {
        const reason = request.recipient.kind === 'user' ? 'the organization has no enabled e-mail integration' : 'the integration does not exist';
        await updateDeliveryStatus(db, d.id, { status: 'failed', lastError: reason, finished: true });
        return { ...base, outcome: 'failed', reason };
      }
      if (!row.enabled) {
        const reason = `the integration is disabled${row.disabled_reason ? `: ${row.disabled_reason}` : ''}`;
        await updateDeliveryStatus(db, d.id, { status: 'integration_disabled', lastError: reason, finished: true });
        return { ...base, outcome: 'integration_disabled', reason };
      }
      const opened = tryOpen(row);
      if ('unreadable' in opened) {
        await updateDeliveryStatus(db, d.id, { status: 'failed', lastError: opened.unreadable, finished: true });
        return { ...base, outcome: 'failed', reason: opened.unreadable };
      }
      const { config, secrets } = opened;
      const adapter = adapterOf(row.kind as IntegrationKind);
      if (!adapter) {
        await updateDeliveryStatus(db, d.id, { status: 'failed', lastError: `no adapter for ${row.kind}`, finished: true });
        return { ...base, outcome: 'failed', reason: `no adapter for ${row.kind}` };
      }
      return { ...base, outcome: null, reason: null, rateLimited: (adapter.rateLimit as (c: unknown, s: unknown) => unknown)(config, secrets) !== null };
    },

    /** Reserves this delivery's turn at its destination; returns how long to wait before the attempt (0: now). */
    async reserveDeliverySlot(deliveryId: string): Promise<number> {
      const d = await findDelivery(db, deliveryId);
      if (!d?.integration_id) return 0;
      const row = await findIntegration(db, d.organization_id, d.integration_id);
      if (!row) return 0;
      const opened = tryOpen(row);
      if ('unreadable' in opened) return 0;
      const { config, secrets } = opened;
      const limit = (adapterOf(row.kind as IntegrationKind)?.rateLimit as ((c: unknown, s: unknown) => { key: string; intervalMs: number; burst: number } | null) | undefined)?.(config, secrets);
      if (!limit) return 0;
      return reserveRateSlot(db, limit.key, limit.intervalMs, limit.burst);
    },

    /**
     * One attempt, recorded whatever happens. Throws only when the store cannot record (the activity is retried, and
     * the receiver may see the same webhook-id again: that is what it dedups on).
     */
    async attemptDelivery(deliveryId: string, attempt: number): Promise<AttemptSummary> {
      const d = await findDelivery(db, deliveryId);
      if (!d) throw ApplicationFailure.nonRetryable(`no delivery ${deliveryId}`, DELIVERY_BAD_REQUEST);
      const request = notificationRequestSchema.parse(d.request);
      const row = d.integration_id ? await findIntegration(db, d.organization_id, d.integration_id) : undefined;
      const startedAt = clock();
      let result: AttemptResult;
      if (!row) {
        result = { verdict: 'failed', status: null, retryAfterMs: null, error: 'the integration was deleted', responseExcerpt: null, latencyMs: 0 };
      } else if (!row.enabled) {
        result = { verdict: 'gone', status: null, retryAfterMs: null, error: 'the integration was disabled', responseExcerpt: null, latencyMs: 0 };
      } else {
        const opened = tryOpen(row);
        if ('unreadable' in opened) {
          result = { verdict: 'failed', status: null, retryAfterMs: null, error: opened.unreadable, responseExcerpt: null, latencyMs: 0 };
        } else {
          result = await send(d.id, d.profile, request, opened, startedAt);
        }
      }
      await recordDeliveryAttempt(db, {
        deliveryId,
        attempt,
        startedAt,
        latencyMs: result.latencyMs,
        verdict: result.verdict,
        status: result.status,
        error: result.error,
        responseExcerpt: result.responseExcerpt,
        retryAfterMs: result.retryAfterMs,
      });
      // Never the request, the URL or the secrets: the integration id says where it went.
      logger.info({ deliveryId, integrationId: d.integration_id, attempt, verdict: result.verdict, status: result.status, latencyMs: result.latencyMs }, 'delivery attempt');
      return { verdict: result.verdict, status: result.status, retryAfterMs: result.retryAfterMs, error: result.error };
    },

    /** The delivery's end. `integration_disabled` after a 410 turns the integration off and audit-logs it for the Admins. */
    async finishDelivery(deliveryId: string, outcome: DeliveryOutcome, last: { status: number | null; error: string | null }): Promise<void> {
      const d = await findDelivery(db, deliveryId);
      if (!d) return;
      await db.transaction().execute(async (trx) => {
        await updateDeliveryStatus(trx, deliveryId, { status: outcome, lastStatus: last.status, lastError: last.error, finished: true });
        if (outcome === 'integration_disabled' && d.integration_id && last.status === 410) {
          const reason = `the receiver answered 410 Gone (delivery ${deliveryId})`;
          const changed = await updateIntegration(trx, d.organization_id, d.integration_id, { enabled: false, disabledReason: reason });
          if (changed) {
            await recordAuditEvent(trx, {
              organizationId: d.organization_id,
              actor: { userId: null, label: 'delivery' },
              action: 'integration.disabled',
              object: { type: 'integration', id: d.integration_id },
              before: { enabled: true },
              after: { enabled: false, reason },
            });
          }
        }
      });
    },
  };
}
