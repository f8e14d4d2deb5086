import { ApiRequestError } from './errors';

export type Fetch = typeof fetch;
export type Query = Record<string, string | number | undefined | null>;

export function withQuery(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

/** Sends one request to the API (same origin, relative URL) and parses JSON, turning every failure into ApiRequestError. */
export async function requestJson<T>(fetch: Fetch, method: string, path: string, init: { body?: unknown; csrfToken?: string } = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  if (init.csrfToken) headers['x-csrf-token'] = init.csrfToken;
  let res: Response;
  try {
    res = await fetch(path, { method, headers, ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}) });
  } catch (err) {
    throw new ApiRequestError(0, 'unreachable', `could not reach the Logstag API (${(err as Error).message})`);
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // A non-JSON answer (a proxy's error page) is reported by status below.
  }
  if (!res.ok) {
    const error = (body as { error?: { code?: string; message?: string } } | null)?.error;
    throw new ApiRequestError(res.status, error?.code ?? 'internal', error?.message ?? `the API answered ${res.status} ${res.statusText}`);
  }
  return body as T;
}
