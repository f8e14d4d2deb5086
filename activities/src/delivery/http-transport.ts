// One outbound HTTP request of a delivery attempt: SSRF-guarded, never following redirects, with one deadline for the
// whole exchange (connect, headers and body), and a capped read of the answer.
import http from 'node:http';
import https from 'node:https';
import { refuseLiteralHost, guardedLookup, type DestinationPolicy } from './ssrf-guard';

export interface OutboundRequest {
  url: string;
  method?: 'POST' | 'PUT';
  headers: Record<string, string>;
  body: string;
}

export interface HttpAnswer {
  /** null when no answer arrived (network error, timeout, refused destination). */
  status: number | null;
  headers: Record<string, string | string[] | undefined>;
  /** At most RESPONSE_READ_LIMIT bytes of the body. */
  body: string;
  /** A machine-readable code for a request that got no answer: ETIMEDOUT, ECONNRESET, ENOTFOUND, EDESTINATIONREFUSED, a TLS code. */
  errorCode: string | null;
  errorMessage: string | null;
  latencyMs: number;
}

const RESPONSE_READ_LIMIT = 16 * 1024;

export async function sendHttp(req: OutboundRequest, options: { timeoutMs: number; policy: DestinationPolicy }): Promise<HttpAnswer> {
  const started = performance.now();
  const done = (a: Omit<HttpAnswer, 'latencyMs'>): HttpAnswer => ({ ...a, latencyMs: Math.round(performance.now() - started) });
  const fail = (code: string, message: string) => done({ status: null, headers: {}, body: '', errorCode: code, errorMessage: message });
  let url: URL;
  try {
    url = new URL(req.url);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return fail('EPROTOCOL', `${url.protocol} is not http(s)`);
    refuseLiteralHost(url.hostname, options.policy);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    return fail(e.code ?? 'EINVALIDURL', e.message);
  }
  const client = url.protocol === 'https:' ? https : http;
  const body = Buffer.from(req.body, 'utf8');
  return new Promise<HttpAnswer>((resolve) => {
    let settled = false;
    const settle = (a: HttpAnswer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(a);
    };
    const request = client.request(url, {
      method: req.method ?? 'POST',
      headers: { ...req.headers, 'content-length': String(body.length), 'user-agent': 'Logstag-Delivery/1' },
      lookup: guardedLookup(options.policy),
      // One connection per attempt: a pooled socket a receiver closed would turn into a spurious reset.
      agent: false,
    });
    const timer = setTimeout(() => {
      request.destroy(Object.assign(new Error(`no complete answer within ${options.timeoutMs} ms`), { code: 'ETIMEDOUT' }));
    }, options.timeoutMs);
    request.on('error', (err: NodeJS.ErrnoException) => settle(fail(err.code ?? err.name, err.message)));
    request.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        if (size < RESPONSE_READ_LIMIT) chunks.push(c.subarray(0, RESPONSE_READ_LIMIT - size));
        size += c.length;
      });
      res.on('error', (err: NodeJS.ErrnoException) => settle(fail(err.code ?? err.name, err.message)));
      res.on('end', () =>
        settle(done({ status: res.statusCode ?? null, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), errorCode: null, errorMessage: null })),
      );
    });
    request.end(body);
  });
}
