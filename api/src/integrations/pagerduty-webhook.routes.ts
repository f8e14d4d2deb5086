// PagerDuty v3 webhooks flowing back: an incident acknowledged or resolved in PagerDuty acknowledges or resolves the
// Logstag alert episode it was opened for (the incident's incident_key is the dedup_key Logstag sent: the episode
// id). Each request is verified with the integration's webhook signing secret (X-PagerDuty-Signature: v1=<hex
// HMAC-SHA256 of the raw body>, several during a secret rotation) before anything is read; the action is audit-logged
// by the alerts service with PagerDuty as the actor.
//
// The payload as PagerDuty documents it (https://developer.pagerduty.com/docs/webhooks-overview/, source
// PagerDuty/developer-docs docs/webhooks/01-Overview.md, "Webhook Payload" and "Event Data Types"): one `event` per
// request with `id`, `event_type` (`incident.acknowledged`, `incident.resolved`, …), `resource_type`, `occurred_at`,
// `agent` (who: a user_reference or service_reference, or null), `client` and `data`; for incident events
// `data.type` is `incident` and `data.incident_key` is the incident's de-duplication key, which for an incident opened
// through the Events API v2 is the `dedup_key` of its trigger. Signatures: docs/webhooks/04-Signatures.md
// (https://developer.pagerduty.com/docs/verifying-signatures/).
import { createHmac, timingSafeEqual } from 'node:crypto';
import express, { Router } from 'express';
import { z } from 'zod';
import { integrationSecretSchemas } from '@logstag/schema';
import { findIntegrationById, type SecretBox } from '@logstag/store';
import { publicRoute } from '../auth/access';
import { requestClient } from '../audit';
import { ApiError } from '../http/api-error';
import type { ApiRegistry } from '../http/api-registry';
import { createAlertsService, type AlertsDeps } from '../alerts/index';

const params = z.object({ integrationId: z.string().min(1).max(200) });
const handled = z.object({ outcome: z.enum(['acknowledged', 'resolved', 'ignored']), reason: z.string().nullable() });

/** True when one of the header's `v1=` signatures is the body's HMAC-SHA256 under `secret`. */
export function pagerDutySignatureValid(secret: string, body: Buffer, header: string | undefined): boolean {
  if (!header) return false;
  const expected = createHmac('sha256', secret).update(body).digest();
  return header
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.startsWith('v1='))
    .some((s) => {
      const given = Buffer.from(s.slice(3), 'hex');
      return given.length === expected.length && timingSafeEqual(given, expected);
    });
}

/** The fields Logstag reads of a v3 webhook; everything else PagerDuty sends is allowed and left alone. */
const v3Webhook = z.object({
  event: z.looseObject({
    id: z.string().optional(),
    event_type: z.string(),
    resource_type: z.string().optional(),
    agent: z.looseObject({ summary: z.string().optional() }).nullish(),
    data: z.looseObject({ type: z.string().optional(), incident_key: z.string().nullish() }).nullish(),
  }),
});
type V3Webhook = z.infer<typeof v3Webhook>;

/**
 * The episode an incident event names: `data.incident_key` of an incident (`data.type` incident, or left out). Other
 * data types (notes, responders, status updates) carry only an incident reference, without the key: none. A key that
 * is not one of Logstag's episodes (an incident opened elsewhere) finds no episode and is ignored. Caveat: with
 * PagerDuty's alert grouping, an alert can join an incident another trigger opened; that incident's key names only the
 * first episode (the others are resolved in Logstag when their own condition clears).
 */
export function episodeOfPagerDutyEvent(event: V3Webhook['event']): string | null {
  const data = event.data;
  if (!data || (data.type !== undefined && data.type !== 'incident')) return null;
  const key = data.incident_key?.trim();
  return key ? key : null;
}

export function pagerDutyWebhookRoutes(api: ApiRegistry, deps: AlertsDeps & { secrets: SecretBox }): Router {
  const router = Router();
  const alerts = createAlertsService(deps);
  api.add(router, {
    method: 'post',
    path: '/hooks/pagerduty/:integrationId',
    tag: 'Integrations',
    summary: 'PagerDuty v3 webhook: incident.acknowledged and incident.resolved acknowledge or resolve the alert episode (signature-verified, audit-logged)',
    access: publicRoute(),
    params,
    rawBody: { description: 'the v3 webhook event as PagerDuty sends it', content: { 'application/json': z.object({}).passthrough() } },
    before: [express.raw({ type: () => true, limit: '1mb' })],
    response: handled,
    errors: [401, 404],
    handle: async ({ params: p }, req) => {
      const integration = await findIntegrationById(deps.db, p.integrationId);
      if (!integration || integration.kind !== 'pagerduty') throw new ApiError(404, 'not_found', 'no PagerDuty integration with this id');
      let secret: string | null;
      try {
        secret = integrationSecretSchemas.pagerduty.parse(deps.secrets.open(integration.secrets_sealed)).webhookSecret;
      } catch {
        secret = null;
      }
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      if (!secret || !pagerDutySignatureValid(secret, body, req.get('x-pagerduty-signature'))) {
        throw new ApiError(401, 'unauthenticated', 'the X-PagerDuty-Signature does not verify with this integration’s webhook secret');
      }
      let parsed: ReturnType<typeof v3Webhook.safeParse>;
      try {
        parsed = v3Webhook.safeParse(JSON.parse(body.toString('utf8')));
      } catch {
        return { outcome: 'ignored' as const, reason: 'not JSON' };
      }
      // PagerDuty retries what is not a 2xx: what Logstag does not act on is answered 200 and ignored.
      if (!parsed.success) return { outcome: 'ignored' as const, reason: 'not a v3 webhook event' };
      const { event } = parsed.data;
      const type = event.event_type;
      const episodeId = episodeOfPagerDutyEvent(event);
      const action = type === 'incident.acknowledged' ? 'acknowledge' : type === 'incident.resolved' ? 'resolve' : null;
      if (!action || !episodeId) return { outcome: 'ignored' as const, reason: `${type}${episodeId ? '' : ', no incident_key'}` };
      const who = `PagerDuty${event.agent?.summary ? `: ${event.agent.summary}` : ''}`.slice(0, 200);
      try {
        await alerts.act(integration.organization_id, episodeId, action, { actor: who, reason: `${type} in PagerDuty` }, {
          organizationId: integration.organization_id,
          actor: { userId: null, label: who },
          ...requestClient(req),
        });
      } catch (err) {
        if (err instanceof ApiError && (err.status === 404 || err.status === 409)) return { outcome: 'ignored' as const, reason: err.message };
        throw err;
      }
      return { outcome: action === 'acknowledge' ? ('acknowledged' as const) : ('resolved' as const), reason: null };
    },
  });
  return router;
}
