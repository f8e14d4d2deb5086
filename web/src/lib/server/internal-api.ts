import type { RequestEvent } from '@sveltejs/kit';
import type { IncomingMessage } from 'node:http';
import { env } from '$env/dynamic/private';

/** Paths the express app answers; SvelteKit has no routes there, so `event.fetch` must leave the SvelteKit process for them. */
export function isApiPath(pathname: string): boolean {
  return pathname.startsWith('/api/') || pathname.startsWith('/v1/') || ['/healthz', '/readyz', '/metrics'].includes(pathname);
}

/**
 * The scheme the browser used. Mounted in express, platform.req is express's request, whose `protocol` honours
 * X-Forwarded-Proto from the proxies express trusts; adapter-node's own guess (event.url) says https unless configured.
 */
export function requestProtocol(event: RequestEvent): 'http' | 'https' {
  const req = (event.platform as { req?: IncomingMessage & { protocol?: string } } | undefined)?.req;
  if (req?.protocol === 'http' || req?.protocol === 'https') return req.protocol;
  if (req?.socket) return (req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
  return event.url.protocol === 'https:' ? 'https' : 'http';
}

/**
 * Where this process's express server listens. Mounted in express (adapter-node's handler), the socket of the incoming
 * request tells us; `vite dev` has no express, so LOGSTAG_API_URL names the API there.
 */
export function internalApiOrigin(event: RequestEvent): string {
  if (env.LOGSTAG_API_URL) return env.LOGSTAG_API_URL.replace(/\/$/, '');
  const req = (event.platform as { req?: IncomingMessage } | undefined)?.req;
  const socket = req?.socket;
  if (!socket?.localPort || !socket.localAddress) return event.url.origin;
  const address = socket.localAddress.replace(/^::ffff:/, '');
  const host = address.includes(':') ? `[${address}]` : address;
  return `http://${host}:${socket.localPort}`;
}
