import { isIP } from 'node:net';
import type { RequestHandler } from 'express';
import { randomToken, equalInConstantTime } from './tokens';

/**
 * The web app (SvelteKit, mounted in this process) calls the API over HTTP on behalf of its visitor and forwards the
 * visitor's address and scheme, which express already resolved under LOGSTAG_TRUST_PROXY for the page request. Those
 * headers are believed only with this process's random token: trusting loopback instead would let any local client
 * (or a proxy that is not configured as trusted) choose the address the lockout and the audit log see.
 */
export const WEB_FORWARD_HEADER = 'x-logstag-web-forward';

// On globalThis under a registered symbol: the web build is a separate bundle loaded into this process, and reads it
// from there (web/src/lib/server/forward-fetch.ts). Never in the environment, which child processes inherit.
const TOKEN_KEY = Symbol.for('logstag.webForwardToken');

export function webForwardToken(): string {
  const holder = globalThis as { [TOKEN_KEY]?: string };
  holder[TOKEN_KEY] ??= randomToken();
  return holder[TOKEN_KEY];
}

/**
 * Mount first. Takes the web app's forwarded address and scheme as `req.ip` / `req.protocol` when the request carries
 * the token, and removes the token header from every request so no log line can show it.
 */
export function acceptWebForwarding(): RequestHandler {
  const token = webForwardToken();
  return (req, _res, next) => {
    const sent = req.headers[WEB_FORWARD_HEADER];
    if (sent === undefined) return next();
    delete req.headers[WEB_FORWARD_HEADER];
    if (typeof sent !== 'string' || !equalInConstantTime(sent, token)) return next();
    const ip = req.get('x-forwarded-for')?.trim();
    const proto = req.get('x-forwarded-proto')?.trim();
    // Own properties shadow express's getters for this request only (req.secure reads req.protocol).
    if (ip && isIP(ip)) Object.defineProperty(req, 'ip', { value: ip, configurable: true, enumerable: true });
    if (proto === 'http' || proto === 'https') Object.defineProperty(req, 'protocol', { value: proto, configurable: true, enumerable: true });
    next();
  };
}
