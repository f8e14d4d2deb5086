// Microsoft Teams through a Workflows (Power Automate) HTTP trigger: a message carrying an Adaptive Card, at most
// 28 KB; about 4 requests a second per URL. (The Office 365 connector webhooks are retired.)
import type { NotificationRequest } from '@logstag/schema';
import { destinationKey, headline, httpAdapter, truncate, utf8Bytes } from './adapter';
import { escapeCardMarkdown, facts } from './text';

export const TEAMS_CARD_BYTES = 28 * 1024;

function card(r: NotificationRequest, summary: string, factList: Array<[string, string]>, ackUrl: string | null): Record<string, unknown> {
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body: [
            { type: 'TextBlock', size: 'Large', weight: 'Bolder', wrap: true, text: escapeCardMarkdown(headline(r)), color: r.alert.severity === 'critical' ? 'Attention' : 'Default' },
            { type: 'TextBlock', wrap: true, text: summary },
            { type: 'FactSet', facts: factList.map(([title, value]) => ({ title: escapeCardMarkdown(title), value: escapeCardMarkdown(value) })) },
          ],
          actions: [
            ...(ackUrl ? [{ type: 'Action.OpenUrl', title: 'Acknowledge', url: ackUrl }] : []),
            ...(r.alert.url ? [{ type: 'Action.OpenUrl', title: 'Open in Logstag', url: r.alert.url }] : []),
          ],
        },
      },
    ],
  };
}

/** The card, its summary cut until the whole message fits in 28 KB (facts dropped last-first if they alone are too large). */
export function teamsMessage(r: NotificationRequest, ackUrl: string | null = null): Record<string, unknown> {
  let factList = facts(r).map(([k, v]): [string, string] => [truncate(k, 200), truncate(v, 1000)]);
  const summary = escapeCardMarkdown(r.alert.summary);
  let message = card(r, summary, factList, ackUrl);
  let size = utf8Bytes(JSON.stringify(message));
  if (size <= TEAMS_CARD_BYTES) return message;
  while (factList.length > 5 && utf8Bytes(JSON.stringify(card(r, '', factList, ackUrl))) > TEAMS_CARD_BYTES / 2) factList = factList.slice(0, -1);
  const room = TEAMS_CARD_BYTES - utf8Bytes(JSON.stringify(card(r, '', factList, ackUrl))) - 64;
  // Cut by bytes (JSON escaping included), shrinking until it fits.
  let keep = Math.min(summary.length, room);
  for (;;) {
    message = card(r, truncate(summary, keep), factList, ackUrl);
    size = utf8Bytes(JSON.stringify(message));
    if (size <= TEAMS_CARD_BYTES || keep <= 0) return message;
    keep = Math.floor(keep * (TEAMS_CARD_BYTES / size)) - 16;
  }
}

export const teamsAdapter = httpAdapter({
  kind: 'teams',
  secretValues: (s) => [s.workflowUrl, new URL(s.workflowUrl).search.slice(1)].filter(Boolean),
  rateLimit: (_c, s) => ({ key: destinationKey('teams', s.workflowUrl), intervalMs: 250, burst: 4 }),
  render: ({ request, secrets, ackUrl }) => ({ url: secrets.workflowUrl, headers: { 'content-type': 'application/json' }, body: JSON.stringify(teamsMessage(request, ackUrl)) }),
});
