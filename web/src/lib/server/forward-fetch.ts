import type { HandleFetch, RequestEvent } from '@sveltejs/kit';
import { internalApiOrigin, isApiPath, requestProtocol, webForwardToken } from './internal-api';

/**
 * Sends one same-origin API request from the SvelteKit server to the express app it is mounted in, as the signed-in
 * user: their session cookie goes along, the API's Set-Cookie comes back to the browser, and the client's address and
 * scheme are forwarded with this process's web-forwarding token (api/src/auth/web-forwarding.ts), so rate limits,
 * audit events and Secure cookies see the real client. No Origin header is sent: the API then holds the request to
 * its CSRF token alone.
 */
export async function forwardToApi(event: RequestEvent, request: Request): Promise<Response> {
  const url = new URL(request.url);
  const headers = new Headers(request.headers);
  headers.delete('origin');
  const cookie = event.request.headers.get('cookie');
  if (cookie && request.credentials !== 'omit') headers.set('cookie', cookie);
  headers.set('x-forwarded-for', event.getClientAddress());
  headers.set('x-forwarded-proto', requestProtocol(event));
  headers.set('x-forwarded-host', event.url.host);
  const token = webForwardToken();
  if (token) headers.set('x-logstag-web-forward', token);
  const userAgent = event.request.headers.get('user-agent');
  if (userAgent) headers.set('user-agent', userAgent);
  const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
  const response = await fetch(`${internalApiOrigin(event)}${url.pathname}${url.search}`, {
    method: request.method,
    headers,
    redirect: 'manual',
    ...(hasBody ? { body: await request.arrayBuffer() } : {}),
  });
  for (const line of response.headers.getSetCookie()) applySetCookie(event, line);
  return response;
}

/** Copies one Set-Cookie line of the API onto the page response (sign-in sets the session cookie, sign-out clears it). */
function applySetCookie(event: RequestEvent, line: string): void {
  const [pair = '', ...attributes] = line.split(';').map((s) => s.trim());
  const eq = pair.indexOf('=');
  if (eq <= 0) return;
  const name = pair.slice(0, eq);
  const value = decodeURIComponent(pair.slice(eq + 1));
  const options: Parameters<RequestEvent['cookies']['set']>[2] = { path: '/', httpOnly: false, secure: false, sameSite: 'lax' };
  for (const attr of attributes) {
    const [key = '', ...rest] = attr.split('=');
    const v = rest.join('=');
    switch (key.toLowerCase()) {
      case 'path':
        options.path = v;
        break;
      case 'expires':
        options.expires = new Date(v);
        break;
      case 'max-age':
        options.maxAge = Number(v);
        break;
      case 'httponly':
        options.httpOnly = true;
        break;
      case 'secure':
        options.secure = true;
        break;
      case 'samesite':
        options.sameSite = v.toLowerCase() as 'lax' | 'strict' | 'none';
        break;
    }
  }
  event.cookies.set(name, value, options);
}

export const handleApiFetch: HandleFetch = async ({ event, request, fetch }) => {
  const url = new URL(request.url);
  if (url.origin === event.url.origin && isApiPath(url.pathname)) return forwardToApi(event, request);
  return fetch(request);
};
