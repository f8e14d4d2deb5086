// Signed webhooks following the Standard Webhooks specification (standardwebhooks.com): webhook-id, webhook-timestamp
// and webhook-signature (`v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`), space-separated signatures while a
// secret is rotated. The id derives from the notification's idempotency key: the same across retries and replays.
import { createHash, createHmac } from 'node:crypto';
import type { NotificationRequest } from '@logstag/schema';
import { httpAdapter } from './adapter';

/** Stable for a notification and every retry and replay of it: what a dedup-aware receiver keys on. */
export function webhookId(request: Pick<NotificationRequest, 'organizationId' | 'idempotencyKey'>): string {
  return `msg_${createHash('sha256').update(`${request.organizationId}\n${request.idempotencyKey}`).digest('base64url').slice(0, 27)}`;
}

export function standardWebhookSignature(secret: string, id: string, timestampSeconds: number, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestampSeconds}.${body}`).digest('base64')}`;
}

/** The body: Standard Webhooks' recommended `{ type, timestamp, data }`. */
export function webhookBody(r: NotificationRequest, now: Date, ackUrl: string | null = null): string {
  return JSON.stringify({
    type: `alert.${r.event}`,
    timestamp: now.toISOString(),
    data: {
      notificationId: r.notificationId,
      idempotencyKey: r.idempotencyKey,
      replayOf: r.replayOf,
      episodeId: r.episodeId,
      event: r.event,
      alert: r.alert,
      /** GET shows a confirmation, POST acknowledges the episode; signed, expires in 12 hours. */
      ackUrl,
    },
  });
}

export const webhookAdapter = httpAdapter({
  kind: 'webhook',
  secretValues: (s) => [s.signingSecret, s.previousSigningSecret ?? ''].filter(Boolean),
  render({ request, config, secrets, now, ackUrl }) {
    const id = webhookId(request);
    const ts = Math.floor(now.getTime() / 1000);
    const body = webhookBody(request, now, ackUrl);
    const signatures = [secrets.signingSecret, secrets.previousSigningSecret]
      .filter((s): s is string => !!s)
      .map((s) => standardWebhookSignature(s, id, ts, body));
    return {
      url: config.url,
      headers: {
        'content-type': 'application/json',
        'webhook-id': id,
        'webhook-timestamp': String(ts),
        'webhook-signature': signatures.join(' '),
      },
      body,
    };
  },
});
