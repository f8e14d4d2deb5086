// Slack incoming webhook with a Block Kit message. A section's text is at most 3,000 characters, a header's 150;
// Slack takes about one message per second per channel (a token bucket per webhook URL) and answers 429 with
// Retry-After beyond that.
import type { NotificationRequest } from '@logstag/schema';
import { destinationKey, headline, httpAdapter, truncate } from './adapter';
import { escapeSlack, facts } from './text';

export const SLACK_SECTION_LIMIT = 3000;
export const SLACK_HEADER_LIMIT = 150;
export const SLACK_FIELDS_LIMIT = 10;
export const SLACK_FIELD_LIMIT = 2000;

export function slackMessage(r: NotificationRequest, ackUrl: string | null = null): Record<string, unknown> {
  const title = truncate(headline(r), SLACK_HEADER_LIMIT);
  // Escape first, then cut: the limit applies to the text Slack counts, the escaped one (an entity cut in half is dropped).
  const summary = truncate(escapeSlack(r.alert.summary), SLACK_SECTION_LIMIT).replace(/&[a-z]{0,3}(?=… \[truncated\]$)/, '');
  const fields = facts(r)
    .slice(0, SLACK_FIELDS_LIMIT)
    .map(([k, v]) => ({ type: 'mrkdwn', text: truncate(`*${escapeSlack(k)}*\n${escapeSlack(v)}`, SLACK_FIELD_LIMIT) }));
  const blocks: unknown[] = [
    { type: 'header', text: { type: 'plain_text', text: title, emoji: false } },
    { type: 'section', text: { type: 'mrkdwn', text: summary } },
  ];
  if (fields.length) blocks.push({ type: 'section', fields });
  const buttons = [
    ...(ackUrl ? [{ type: 'button', style: 'primary', text: { type: 'plain_text', text: 'Acknowledge' }, url: ackUrl }] : []),
    ...(r.alert.url ? [{ type: 'button', text: { type: 'plain_text', text: 'Open in Logstag' }, url: r.alert.url }] : []),
  ];
  if (buttons.length) blocks.push({ type: 'actions', elements: buttons });
  return { text: truncate(`${headline(r)}: ${r.alert.summary}`, SLACK_SECTION_LIMIT), blocks };
}

export const slackAdapter = httpAdapter({
  kind: 'slack',
  secretValues: (s) => [s.webhookUrl, new URL(s.webhookUrl).pathname],
  // 1.05 s: a margin over Slack's one a second for the time between our send and its arrival.
  rateLimit: (_c, s) => ({ key: destinationKey('slack', s.webhookUrl), intervalMs: 1050, burst: 1 }),
  render: ({ request, secrets, ackUrl }) => ({ url: secrets.webhookUrl, headers: { 'content-type': 'application/json' }, body: JSON.stringify(slackMessage(request, ackUrl)) }),
});
