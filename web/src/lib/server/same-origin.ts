import type { Handle } from '@sveltejs/kit';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Form actions act with the user's session, so a state-changing request must come from one of our own pages: the
 * browser's Origin must name this host and Sec-Fetch-Site (when sent) must say same-origin. Compared by host, because
 * the scheme adapter-node reports is not reliable behind express (see svelte.config.js).
 */
export function isSameOriginSubmission(request: Request): boolean {
  if (SAFE.has(request.method)) return true;
  const site = request.headers.get('sec-fetch-site');
  if (site && site !== 'same-origin' && site !== 'none') return false;
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
