// A raw HTTP client for the fuzzers: node:http sends any bytes as the body and any header the HTTP grammar allows
// (fetch normalizes and refuses some, which would hide what a hostile client can send).
import { request, Agent } from 'node:http';

export interface RawRequest {
  method: string;
  /** Path and query, sent as they are (no encoding applied). */
  path: string;
  headers: Record<string, string | string[]>;
  body?: Buffer;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface HttpClient {
  /** The response to one request; rejects when the server dropped the connection or did not answer in time. */
  send(req: RawRequest): Promise<RawResponse>;
  /** Closes the keep-alive sockets. */
  close(): void;
}

export function createHttpClient(baseUrl: string, timeoutMs = 60_000): HttpClient {
  const url = new URL(baseUrl);
  // Keep-alive with few sockets: the server shares two cores with other tests.
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  return {
    send(req) {
      return new Promise((resolve, reject) => {
        const r = request(
          {
            host: url.hostname,
            port: url.port,
            method: req.method,
            path: req.path,
            headers: { ...req.headers, 'content-length': String(req.body?.length ?? 0) },
            agent,
            timeout: timeoutMs,
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
            res.on('error', reject);
          },
        );
        r.on('timeout', () => r.destroy(new Error(`no answer within ${timeoutMs} ms`)));
        r.on('error', reject);
        r.end(req.body);
      });
    },
    close() {
      agent.destroy();
    },
  };
}
