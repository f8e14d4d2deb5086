import {
  DELIVERY_STATUSES,
  INTEGRATION_KINDS,
  OPSGENIE_END_OF_SUPPORT,
  type DeliveryStatus,
  type IntegrationKind,
  type NotificationEvent,
} from '@logstag/schema';
import type { DeliveryView, IntegrationView } from '@logstag/schema/api';
import type { DeliveryAttemptRow, DeliveryRow, IntegrationE2eResultRow, IntegrationHealth, IntegrationRow } from '@logstag/store';

/** A secret as the API shows it: never its value; at most its last 4 characters (URLs: their origin too). */
export function maskSecret(value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null;
  const s = String(value);
  const tail = s.length >= 16 ? s.slice(-4) : '';
  try {
    const u = new URL(s);
    if (u.protocol === 'https:' || u.protocol === 'http:') return `${u.origin}/••••${tail}`;
  } catch {
    // not a URL
  }
  return `••••${tail}`;
}

/** The daily end-to-end test's last run through an integration, as the API shows it. */
export function e2eTestView(r: IntegrationE2eResultRow | undefined): IntegrationView['e2eTest'] {
  if (!r) return null;
  return {
    lastRunAt: r.last_run_at.toISOString(),
    lastResult: r.last_result === 'ok' ? 'ok' : 'failed',
    lastSuccessAt: r.last_success_at?.toISOString() ?? null,
    lastFailureAt: r.last_failure_at?.toISOString() ?? null,
    lastError: r.last_error,
    deliveryId: r.last_delivery_id,
  };
}

export function integrationView(row: IntegrationRow, secrets: Record<string, unknown>, health: IntegrationHealth | undefined, e2e?: IntegrationE2eResultRow): IntegrationView {
  const kind = row.kind as IntegrationKind;
  const delivered = health?.delivered_7d ?? 0;
  const failed = health?.failed_7d ?? 0;
  return {
    id: row.id,
    kind,
    name: row.name,
    config: row.config,
    secrets: Object.fromEntries(Object.entries(secrets).map(([k, v]) => [k, maskSecret(v)])),
    enabled: row.enabled,
    disabledReason: row.disabled_reason,
    legacy:
      kind === 'opsgenie'
        ? { endOfSupport: OPSGENIE_END_OF_SUPPORT, note: `Atlassian ends Opsgenie support on ${OPSGENIE_END_OF_SUPPORT}; move to another integration before then.` }
        : null,
    health: {
      lastSuccessAt: health?.last_success_at?.toISOString() ?? null,
      lastFailureAt: health?.last_failure_at?.toISOString() ?? null,
      successRate7d: delivered + failed > 0 ? delivered / (delivered + failed) : null,
      delivered7d: delivered,
      failed7d: failed,
    },
    e2eTest: e2eTestView(e2e),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

const isKind = (k: string | null): k is IntegrationKind => k !== null && (INTEGRATION_KINDS as readonly string[]).includes(k);

export function deliveryView(d: DeliveryRow, attempts: DeliveryAttemptRow[]): DeliveryView {
  return {
    id: d.id,
    integrationId: d.integration_id,
    integrationKind: isKind(d.kind) ? d.kind : null,
    alertId: d.alert_id,
    episodeId: d.episode_id,
    event: d.event as NotificationEvent,
    status: ((DELIVERY_STATUSES as readonly string[]).includes(d.status) ? d.status : 'pending') as DeliveryStatus,
    profile: d.profile,
    idempotencyKey: d.idempotency_key,
    replayOf: d.replay_of,
    attemptCount: d.attempts,
    lastStatus: d.last_status,
    lastError: d.last_error,
    createdAt: d.created_at.toISOString(),
    finishedAt: d.finished_at?.toISOString() ?? null,
    attempts: attempts
      .filter((a) => a.delivery_id === d.id)
      .map((a) => ({
        attempt: a.attempt,
        startedAt: a.started_at.toISOString(),
        latencyMs: a.latency_ms,
        verdict: a.verdict as DeliveryView['attempts'][number]['verdict'],
        status: a.status,
        error: a.error,
        responseExcerpt: a.response_excerpt,
        retryAfterMs: a.retry_after_ms,
      })),
  };
}
