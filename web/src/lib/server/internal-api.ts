import type { RequestEvent } from '@sveltejs/kit';
import type { IncomingMessage } from 'node:http';
import { env } from '$env/dynamic/private';

/** Paths the express app answers; SvelteKit has no routes there, so `event.fetch` must leave the SvelteKit process for them. */
export function isApiPath(pathname: string): boolean {
  return pathname.startsWith('/api/') || pathname.startsWith('/v1/') || ['/healthz', '/readyz', '/metrics'].includes(pathname);
}

/** The scheme the browser used (the express server gives adapter-node the real one, see api/src/server/web-handler.ts). */
export function requestProtocol(event: RequestEvent): 'http' | 'https' {
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

/**
 * The token with which the API in this process believes the visitor's address and scheme that the web forwards
 * (api/src/auth/web-forwarding.ts puts it on globalThis). None under `vite dev` or with LOGSTAG_API_URL: the token
 * never leaves the process, and there the API counts the web server itself as the client.
 */
export function webForwardToken(): string | undefined {
  if (env.LOGSTAG_API_URL) return undefined;
  const token = (globalThis as Record<symbol, unknown>)[Symbol.for('logstag.webForwardToken')];
  return typeof token === 'string' ? token : undefined;
}
