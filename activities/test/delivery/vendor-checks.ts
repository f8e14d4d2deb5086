// What each vendor documents its receiving end to accept, as checks a loopback receiver runs on every request
// (null: accepted; a string: the 400 answer's reason). Sources: Slack Block Kit reference (section text ≤ 3,000,
// header ≤ 150, ≤ 10 fields ≤ 2,000 each, ≤ 50 blocks), PagerDuty Events API v2 (routing_key, event_action,
// dedup_key ≤ 255, payload.summary ≤ 1,024, source, severity, event ≤ 512 KB; Change Events at /v2/change/enqueue), Teams Workflows (message with an
// Adaptive Card attachment, ≤ 28 KB), Opsgenie Alert API (message ≤ 130, alias ≤ 512, GenieKey authorization).
import type { ReceivedRequest } from './receiver';

const json = (r: ReceivedRequest): Record<string, any> | string => {
  if (!/application\/json/.test(String(r.headers['content-type']))) return 'content-type must be application/json';
  try {
    return JSON.parse(r.body) as Record<string, any>;
  } catch {
    return 'invalid JSON';
  }
};

export function checkSlack(r: ReceivedRequest): string | null {
  const m = json(r);
  if (typeof m === 'string') return m;
  if (typeof m.text !== 'string' || !Array.isArray(m.blocks)) return 'invalid_payload: text and blocks required';
  if (m.blocks.length > 50) return 'invalid_blocks: more than 50 blocks';
  for (const b of m.blocks) {
    if (b.type === 'header' && (b.text?.type !== 'plain_text' || b.text.text.length > 150)) return 'invalid_blocks: header';
    if (b.type === 'section') {
      if (b.text && (typeof b.text.text !== 'string' || b.text.text.length > 3000 || b.text.text.length === 0)) return 'invalid_blocks: section text must be 1-3000 characters';
      if (b.fields && (b.fields.length > 10 || b.fields.some((f: any) => f.text.length > 2000))) return 'invalid_blocks: fields';
      if (!b.text && !b.fields) return 'invalid_blocks: section without text or fields';
    }
  }
  return null;
}

export function checkPagerDuty(r: ReceivedRequest): string | null {
  if (Buffer.byteLength(r.body) > 512 * 1024) return 'event larger than 512 KB';
  const e = json(r);
  if (typeof e === 'string') return e;
  if (typeof e.routing_key !== 'string' || e.routing_key.length !== 32) return 'routing_key must be 32 characters';
  if (r.path.endsWith('/v2/change/enqueue')) {
    // A Change Event: routing_key and payload.summary (≤ 1,024) required; no event_action, no incident.
    if ('event_action' in e || 'dedup_key' in e) return 'a change event has no event_action or dedup_key';
    const p = e.payload;
    if (!p || typeof p.summary !== 'string' || p.summary.length > 1024 || !p.summary) return 'payload.summary must be 1-1024 characters';
    return null;
  }
  if (!['trigger', 'acknowledge', 'resolve'].includes(e.event_action)) return 'invalid event_action';
  if (typeof e.dedup_key !== 'string' || e.dedup_key.length > 255) return 'dedup_key must be at most 255 characters';
  if (e.event_action === 'trigger') {
    const p = e.payload;
    if (!p || typeof p.summary !== 'string' || p.summary.length > 1024 || !p.summary) return 'payload.summary must be 1-1024 characters';
    if (typeof p.source !== 'string' || !p.source) return 'payload.source required';
    if (!['critical', 'error', 'warning', 'info'].includes(p.severity)) return 'invalid payload.severity';
  }
  return null;
}

export function checkTeams(r: ReceivedRequest): string | null {
  if (Buffer.byteLength(r.body) > 28 * 1024) return 'message larger than 28 KB';
  const m = json(r);
  if (typeof m === 'string') return m;
  const a = m.attachments?.[0];
  if (m.type !== 'message' || a?.contentType !== 'application/vnd.microsoft.card.adaptive') return 'expected a message with an Adaptive Card attachment';
  if (a.content?.type !== 'AdaptiveCard' || !Array.isArray(a.content.body)) return 'invalid Adaptive Card';
  return null;
}

export function checkOpsgenie(r: ReceivedRequest, apiKey: string): string | null {
  if (r.headers.authorization !== `GenieKey ${apiKey}`) return 'unauthorized';
  const m = json(r);
  if (typeof m === 'string') return m;
  if (r.path === '/v2/alerts') {
    if (typeof m.message !== 'string' || !m.message || m.message.length > 130) return 'message must be 1-130 characters';
    if (typeof m.alias !== 'string' || m.alias.length > 512) return 'alias must be at most 512 characters';
    return null;
  }
  if (!/^\/v2\/alerts\/[^/]+\/(acknowledge|close)\?identifierType=alias$/.test(r.path)) return `unknown path ${r.path}`;
  return null;
}
