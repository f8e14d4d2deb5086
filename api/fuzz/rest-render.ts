// Turns a generated REST case into the request sent: the path with its parameters, the query, credentials, the body.
import { gzipSync } from 'node:zlib';
import type { RawRequest } from './http-client';
import { renderJson } from './raw-json';
import type { RestBody, RestCase, UrlValue } from './rest-cases';
import type { Operation } from './rest-operations';

/** A signed-in browser tab: the session cookie and the CSRF token state-changing requests echo. */
export interface RestSession {
  cookie: string;
  csrfToken: string;
}

/** Percent-encodes the UTF-8 bytes (encodeURIComponent throws on a lone surrogate; this sends its U+FFFD). */
function percentEncode(s: string): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) out += /[A-Za-z0-9\-_.~]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  return out;
}

const urlPart = (v: UrlValue) => (v.encode ? percentEncode(v.value) : v.value);

function bodyBytes(body: RestBody): Buffer {
  if ('json' in body) return renderJson(body.json);
  if ('raw' in body) return renderJson(body.raw);
  return Buffer.from(JSON.stringify({ name: 'x'.repeat(Math.max(0, body.oversize - 11)) }));
}

export function renderRest(c: RestCase, operations: readonly Operation[], session: RestSession, origin: string): RawRequest {
  const op = operations[c.op]!;
  const method = c.method ?? op.method;
  const path = op.path.replace(/\{(\w+)\}/g, (_m, name: string) => (c.path[name] ? urlPart(c.path[name]) : ''));
  const query = c.query.map(([k, v]) => `${percentEncode(k)}=${urlPart(v)}`).join('&');
  const headers: Record<string, string> = {};
  if (c.auth === 'bad-cookie') headers.cookie = c.badCookie ?? 'logstag_session=%';
  else if (c.auth !== 'none') headers.cookie = session.cookie;
  if (c.auth === 'session' || c.auth === 'cross-origin') headers['x-csrf-token'] = session.csrfToken;
  if (c.auth === 'wrong-csrf') headers['x-csrf-token'] = `${session.csrfToken.slice(0, -1)}x`;
  headers.origin = c.auth === 'cross-origin' ? 'https://evil.example' : origin;
  let body: Buffer | undefined;
  if (c.body) {
    body = bodyBytes(c.body);
    if (c.gzip) {
      body = gzipSync(body);
      headers['content-encoding'] = 'gzip';
    }
    if (c.contentType !== null) headers['content-type'] = c.contentType;
  }
  return { method, path: `${path}${c.suffix}${query ? `${c.suffix.includes('?') ? '' : '?'}${query}` : ''}`, headers, ...(body ? { body } : {}) };
}
