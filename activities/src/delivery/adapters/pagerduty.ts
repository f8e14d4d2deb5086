// PagerDuty Events API v2: trigger, acknowledge and resolve with dedup_key = the alert episode (≤ 255 characters);
// summary ≤ 1,024 characters; the whole event ≤ 512 KB; about 120 events a minute per integration key. Tests go as
// Change Events, which open no incident.
import type { NotificationRequest } from '@logstag/schema';
import { destinationKey, headline, httpAdapter, truncate, utf8Bytes } from './adapter';
import { isTriggerLike } from './text';

export const PAGERDUTY_SUMMARY_LIMIT = 1024;
export const PAGERDUTY_DEDUP_LIMIT = 255;
export const PAGERDUTY_EVENT_BYTES = 512 * 1024;

const SEVERITY = { critical: 'critical', warning: 'warning', info: 'info' } as const;

export function pagerDutyEvent(r: NotificationRequest, routingKey: string, now: Date): Record<string, unknown> {
  const action = isTriggerLike(r.event) ? 'trigger' : r.event;
  const base = { routing_key: routingKey, event_action: action, dedup_key: r.episodeId.slice(0, PAGERDUTY_DEDUP_LIMIT) };
  if (action !== 'trigger') return base;
  const event = {
    ...base,
    payload: {
      summary: truncate(`${headline(r)}: ${r.alert.summary}`, PAGERDUTY_SUMMARY_LIMIT),
      source: r.alert.targetName ?? 'logstag',
      severity: SEVERITY[r.alert.severity],
      timestamp: r.alert.startsAt,
      component: r.alert.engine ?? undefined,
      class: r.alert.ruleName,
      custom_details: { summary: r.alert.summary, labels: r.alert.labels, values: r.alert.values, sentAt: now.toISOString() } as Record<string, unknown>,
    },
    client: 'Logstag',
    ...(r.alert.url ? { client_url: r.alert.url, links: [{ href: r.alert.url, text: 'Open in Logstag' }] } : {}),
  };
  if (utf8Bytes(JSON.stringify(event)) > PAGERDUTY_EVENT_BYTES) {
    // Only the details can be that large (the summary is capped): keep the event within 512 KB with a marker.
    event.payload.custom_details = { summary: truncate(r.alert.summary, 64 * 1024), truncated: 'details exceeded the 512 KB event limit' };
  }
  return event;
}

/**
 * A test (test send, daily end-to-end test) as a Change Event: the same routing key and Events API, accepted with a
 * 202, but it opens no incident and pages nobody (https://developer.pagerduty.com/docs/events-api-v2/send-change-events/,
 * PagerDuty/developer-docs docs/events-api-v2/03-Change-Events.md: "The same Integration Key can be used for both
 * alert and change events").
 */
export function pagerDutyChangeEvent(r: NotificationRequest, routingKey: string, now: Date): Record<string, unknown> {
  return {
    routing_key: routingKey,
    payload: {
      summary: truncate(`${headline(r)}: ${r.alert.summary}`, PAGERDUTY_SUMMARY_LIMIT),
      source: 'logstag',
      timestamp: now.toISOString(),
      custom_details: { test: true, notificationId: r.notificationId, labels: r.alert.labels },
    },
  };
}

/** Change events go to `/v2/change/enqueue` beside the configured `/v2/enqueue`. */
export function pagerDutyChangeUrl(apiUrl: string): string {
  const u = new URL(apiUrl);
  u.pathname = /\/v2\/enqueue\/?$/.test(u.pathname) ? u.pathname.replace(/\/v2\/enqueue\/?$/, '/v2/change/enqueue') : '/v2/change/enqueue';
  return u.toString();
}

export const pagerDutyAdapter = httpAdapter({
  kind: 'pagerduty',
  secretValues: (s) => [s.routingKey, s.webhookSecret ?? ''].filter(Boolean),
  rateLimit: (_c, s) => ({ key: destinationKey('pagerduty', s.routingKey), intervalMs: 500, burst: 10 }),
  render: ({ request, config, secrets, now }) =>
    request.event === 'test'
      ? { url: pagerDutyChangeUrl(config.apiUrl), headers: { 'content-type': 'application/json' }, body: JSON.stringify(pagerDutyChangeEvent(request, secrets.routingKey, now)) }
      : { url: config.apiUrl, headers: { 'content-type': 'application/json' }, body: JSON.stringify(pagerDutyEvent(request, secrets.routingKey, now)) },
});
