// A small HTTP client for the session API: keeps the cookie and CSRF token like a browser tab would.
import type { TestContext } from './context';

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export class ApiClient {
  cookie: string | undefined;
  csrfToken: string | undefined;

  constructor(
    readonly url: string,
    /** Sent with every request, e.g. `x-forwarded-for` to act from another address. */
    readonly headers: Record<string, string> = {},
  ) {}

  async request<T = any>(method: string, path: string, body?: unknown, opts: { csrf?: boolean; headers?: Record<string, string> } = {}): Promise<ApiResponse<T>> {
    const withCsrf = opts.csrf ?? true;
    const res = await fetch(`${this.url}${path}`, {
      method,
      headers: {
        ...this.headers,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(this.cookie ? { cookie: this.cookie } : {}),
        ...(withCsrf && this.csrfToken ? { 'x-csrf-token': this.csrfToken } : {}),
        ...opts.headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      if (pair?.startsWith('logstag_session=')) this.cookie = /Expires=Thu, 01 Jan 1970/i.test(c) ? undefined : pair;
    }
    const text = await res.text();
    let parsed: unknown = text;
    if ((res.headers.get('content-type') ?? '').includes('json') && text) parsed = JSON.parse(text);
    return { status: res.status, body: parsed as T, headers: res.headers };
  }

  get<T = any>(path: string) {
    return this.request<T>('GET', path);
  }
  post<T = any>(path: string, body: unknown = {}) {
    return this.request<T>('POST', path, body);
  }
  patch<T = any>(path: string, body: unknown = {}) {
    return this.request<T>('PATCH', path, body);
  }
  delete<T = any>(path: string) {
    return this.request<T>('DELETE', path);
  }

  /** Signs in; throws unless the server answers 201. */
  async signIn(email: string, password: string): Promise<this> {
    const res = await this.request('POST', '/api/session', { email, password });
    if (res.status !== 201) throw new Error(`sign-in of ${email} failed: ${res.status} ${JSON.stringify(res.body)}`);
    this.csrfToken = res.body.csrfToken;
    return this;
  }
}

export async function signedIn(ctx: TestContext, email: string, password: string, headers: Record<string, string> = {}): Promise<ApiClient> {
  return new ApiClient(ctx.url, headers).signIn(email, password);
}
