// Text helpers the adapters share: what a notification says, escaped for each destination's markup.
import type { NotificationRequest } from '@logstag/schema';

/** Slack mrkdwn: &, < and > are control characters (links, mentions); escaping them makes database text inert. */
export const escapeSlack = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/** Adaptive Card TextBlocks render a markdown subset: neutralize its markup characters in untrusted text. */
export const escapeCardMarkdown = (s: string) => s.replace(/([\\`*_[\]()#>~|-])/g, '\\$1');

/** Label and value facts (labels, then values), as "key: value" pairs. */
export function facts(r: NotificationRequest): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  if (r.alert.targetName) out.push(['Target', r.alert.targetName]);
  if (r.alert.engine) out.push(['Engine', r.alert.engine]);
  out.push(['Status', r.alert.status]);
  for (const [k, v] of Object.entries(r.alert.values)) out.push([k, v === null ? '—' : String(v)]);
  for (const [k, v] of Object.entries(r.alert.labels)) out.push([k, v]);
  return out;
}

/** Events that open or re-announce a page, as opposed to acknowledging or resolving it. */
export const isTriggerLike = (event: NotificationRequest['event']) => event !== 'acknowledge' && event !== 'resolve';
