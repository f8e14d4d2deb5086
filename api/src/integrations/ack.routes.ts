// The acknowledge links notifications carry (`<LOGSTAG_PUBLIC_URL>/ack/<token>`): the signed token is the credential,
// for one alert episode, for 12 hours. GET only shows what would be acknowledged and a button (mail scanners and
// chat unfurlers fetch links: a GET never changes anything); the button POSTs, and the alert workflow acknowledges
// the episode, audit-logged as done through the link.
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { AckLinks } from '@logstag/store';
import { publicRoute } from '../auth/access';
import { requestClient } from '../audit';
import { ApiError } from '../http/api-error';
import type { ApiRegistry } from '../http/api-registry';
import { createAlertsService, type AlertsDeps } from '../alerts/index';

// Any text: a token that is too long or malformed is a link that is not valid (a page), not a validation error.
const params = z.object({ token: z.string() });
const ACTOR = 'acknowledge link';

/** Every answer is a page for the person who opened the link, whatever its status. */
const PAGES = {
  403: { description: 'a POST from another site', text: 'text/html' },
  404: { description: 'the link is not valid (altered, or signed with another key), or its alert no longer exists', text: 'text/html' },
  409: { description: 'the alert is already acknowledged or resolved', text: 'text/html' },
  410: { description: 'the link has expired', text: 'text/html' },
  503: { description: 'Temporal is not connected; try again in a moment', text: 'text/html' },
} as const;

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function page(res: Response, status: number, title: string, body: string): void {
  res
    .status(status)
    .type('html')
    .set('cache-control', 'no-store')
    .set('referrer-policy', 'no-referrer')
    .send(`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(title)} · Logstag</title></head><body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`);
}

/** A POST must come from the confirmation page itself (same origin) or carry no Origin (a non-browser client). */
function sameOrigin(req: Request): boolean {
  const origin = req.get('origin');
  if (!origin) return true;
  return origin === `${req.protocol}://${req.get('host')}`;
}

export function ackRoutes(api: ApiRegistry, deps: AlertsDeps & { ackLinks: AckLinks }): Router {
  const router = Router();
  const alerts = createAlertsService(deps);
  const tag = 'Alerts';

  const verified = (token: string, res: Response) => {
    const v = deps.ackLinks.verify(token, new Date());
    if (!v.ok) {
      page(res, v.reason === 'expired' ? 410 : 404, v.reason === 'expired' ? 'This link has expired' : 'This link is not valid', '<p>Open the alert in Logstag to acknowledge it.</p>');
      return null;
    }
    return v;
  };

  api.add(router, {
    method: 'get',
    path: '/ack/:token',
    tag,
    summary: 'The page an acknowledge link opens: what it acknowledges and a button; changes nothing',
    access: publicRoute(),
    params,
    response: { text: 'text/html', description: 'a confirmation page' },
    otherResponses: PAGES,
    handle: async ({ params: p }, _req, res) => {
      const v = verified(p.token, res);
      if (!v) return;
      try {
        const { episode } = await alerts.detail(v.organizationId, v.episodeId);
        const e = episode as { ruleName?: string; summary?: string; status?: string };
        page(
          res,
          200,
          'Acknowledge this alert?',
          `<p><strong>${escapeHtml(e.ruleName ?? '')}</strong></p><p>${escapeHtml(e.summary ?? '')}</p><p>Now: ${escapeHtml(e.status ?? '')}</p>` +
            `<form method="post"><button type="submit">Acknowledge</button></form><p>The link works until ${escapeHtml(v.expiresAt.toISOString())}.</p>`,
        );
      } catch (err) {
        if (err instanceof ApiError && err.status === 404) return page(res, 404, 'This alert no longer exists', '');
        if (err instanceof ApiError && err.status === 503) return page(res, 503, 'Try again in a moment', `<p>${escapeHtml(err.message)}</p>`);
        throw err;
      }
    },
  });

  api.add(router, {
    method: 'post',
    path: '/ack/:token',
    tag,
    summary: 'Acknowledge the alert episode an acknowledge link names (audit-logged as the link); answers a page',
    access: publicRoute(),
    params,
    response: { text: 'text/html', description: 'what happened' },
    otherResponses: PAGES,
    handle: async ({ params: p }, req, res) => {
      if (!sameOrigin(req)) return page(res, 403, 'Refused', '<p>Open the link itself and press the button there.</p>');
      const v = verified(p.token, res);
      if (!v) return;
      const client = requestClient(req);
      try {
        const result = await alerts.act(v.organizationId, v.episodeId, 'acknowledge', { actor: ACTOR, reason: 'acknowledged from a notification' }, {
          organizationId: v.organizationId,
          actor: { userId: null, label: ACTOR },
          ...client,
        });
        page(res, 200, 'Acknowledged', `<p>The alert is ${escapeHtml(result.status)}. Escalation stops for this episode.</p>`);
      } catch (err) {
        if (err instanceof ApiError && [404, 409, 503].includes(err.status)) return page(res, err.status, 'Not acknowledged', `<p>${escapeHtml(err.message)}</p>`);
        throw err;
      }
    },
  });
  return router;
}
