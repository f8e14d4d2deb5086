// Opsgenie (legacy: Atlassian ends Opsgenie support on 2027-04-05): create, acknowledge and close by alias (the
// episode, ≤ 512 characters); message ≤ 130 characters, description ≤ 15,000. A test is created and closed at once.
import type { NotificationRequest } from '@logstag/schema';
import { headline, httpAdapter, truncate, type Adapter } from './adapter';
import { isTriggerLike } from './text';

export const OPSGENIE_MESSAGE_LIMIT = 130;
export const OPSGENIE_ALIAS_LIMIT = 512;
export const OPSGENIE_DESCRIPTION_LIMIT = 15_000;

const PRIORITY = { critical: 'P1', warning: 'P3', info: 'P5' } as const;

export function opsgenieRequest(r: NotificationRequest, apiUrl: string): { url: string; body: Record<string, unknown> } {
  const base = apiUrl.replace(/\/+$/, '');
  const alias = truncate(r.episodeId, OPSGENIE_ALIAS_LIMIT, '');
  if (!isTriggerLike(r.event)) {
    const verb = r.event === 'acknowledge' ? 'acknowledge' : 'close';
    return { url: `${base}/v2/alerts/${encodeURIComponent(alias)}/${verb}?identifierType=alias`, body: { source: 'Logstag', note: truncate(r.alert.summary, 25_000) } };
  }
  return {
    url: `${base}/v2/alerts`,
    body: {
      message: truncate(headline(r), OPSGENIE_MESSAGE_LIMIT),
      alias,
      description: truncate(r.alert.summary, OPSGENIE_DESCRIPTION_LIMIT),
      // A test is the lowest priority whatever its severity says: it must not wake anyone.
      priority: r.event === 'test' ? 'P5' : PRIORITY[r.alert.severity],
      source: 'Logstag',
      entity: r.alert.targetName ?? undefined,
      tags: ['logstag', r.alert.severity],
      details: Object.fromEntries(Object.entries(r.alert.labels).slice(0, 50)),
    },
  };
}

const opsgenieHttp = httpAdapter({
  kind: 'opsgenie',
  secretValues: (s) => [s.apiKey],
  render: ({ request, config, secrets }) => {
    const { url, body } = opsgenieRequest(request, config.apiUrl);
    return { url, headers: { 'content-type': 'application/json', authorization: `GenieKey ${secrets.apiKey}` }, body: JSON.stringify(body) };
  },
});

/**
 * A test (test send, daily end-to-end test) creates a P5 alert and closes it at once by its alias: it proves the key
 * and the path and leaves nothing open. A close that fails is the attempt's verdict (a retry creates the same alias
 * again, which Opsgenie de-duplicates, and closes it).
 */
export const opsgenieAdapter: Adapter<'opsgenie'> = {
  ...opsgenieHttp,
  async send(input, io) {
    const created = await opsgenieHttp.send(input, io);
    if (input.request.event !== 'test' || created.verdict !== 'delivered') return created;
    const closed = await opsgenieHttp.send({ ...input, request: { ...input.request, event: 'resolve' } }, io);
    return { ...closed, latencyMs: created.latencyMs + closed.latencyMs };
  },
};
