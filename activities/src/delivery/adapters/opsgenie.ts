// Opsgenie (legacy: Atlassian ends Opsgenie support on 2027-04-05): create, acknowledge and close by alias (the
// episode, ≤ 512 characters); message ≤ 130 characters, description ≤ 15,000.
import type { NotificationRequest } from '@logstag/schema';
import { headline, httpAdapter, truncate } from './adapter';
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
      priority: PRIORITY[r.alert.severity],
      source: 'Logstag',
      entity: r.alert.targetName ?? undefined,
      tags: ['logstag', r.alert.severity],
      details: Object.fromEntries(Object.entries(r.alert.labels).slice(0, 50)),
    },
  };
}

export const opsgenieAdapter = httpAdapter({
  kind: 'opsgenie',
  secretValues: (s) => [s.apiKey],
  render: ({ request, config, secrets }) => {
    const { url, body } = opsgenieRequest(request, config.apiUrl);
    return { url, headers: { 'content-type': 'application/json', authorization: `GenieKey ${secrets.apiKey}` }, body: JSON.stringify(body) };
  },
});
