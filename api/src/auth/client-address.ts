import type { Request } from 'express';

/**
 * The address a request comes from, as the sign-in rate limit, the lockout and the audit log all record it: the
 * socket's peer, or what the proxies named by LOGSTAG_TRUST_PROXY forwarded (express's `req.ip`, set up in app.ts),
 * or what the web app forwarded for its own visitor (web-forwarding.ts). IPv4-mapped IPv6 is written as IPv4.
 */
export function clientAddressOf(req: Request): string {
  const ip = req.ip ?? req.socket.remoteAddress;
  if (!ip) return 'unknown';
  return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice('::ffff:'.length) : ip;
}
