import type { Handle } from '@sveltejs/kit';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Form actions act with the user's session, so a state-changing request must come from one of our own pages: the
 * browser's Sec-Fetch-Site must say same-origin, or, from clients that do not send it, the Origin must name this host
 * (by host: the scheme adapter-node reports is not reliable behind express, see svelte.config.js).
 */
export function isSameOriginSubmission(request: Request): boolean {
  if (SAFE.has(request.method)) return true;
  // Browsers say where a request comes from in Sec-Fetch-Site. Origin alone is not enough: under the
  // `Referrer-Policy: no-referrer` the API sets, Chromium sends `Origin: null` for a plain form post.
  const site = request.headers.get('sec-fetch-site');
  if (site) return site === 'same-origin';
  const origin = request.headers.get('origin');
  const host = request.headers.get('host');
  if (!origin || origin === 'null' || !host) return false;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

export const sameOriginOnly: Handle = async ({ event, resolve }) => {
  if (!isSameOriginSubmission(event.request)) {
    return new Response('Cross-site form submissions are refused. Submit the form from the Logstag page itself.', { status: 403 });
  }
  return resolve(event);
};
