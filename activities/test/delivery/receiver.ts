// A loopback HTTP receiver for delivery tests: records every request and answers each with the next scripted
// behaviour (200; 500 then 200; 429 with Retry-After; 3xx; 410; a slow body; a TCP reset; a 2xx after the timeout),
// then with the default. `check` lets a test reject a request that breaks the vendor's documented format (answering
// 400 with the reason, as the vendor would).
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

export type Behaviour =
  | { kind: 'status'; status: number; headers?: Record<string, string>; body?: string }
  /** Headers at once, then the body after `delayMs` (a slow body; past the deadline it is a timeout). */
  | { kind: 'slow'; status: number; delayMs: number; body?: string }
  /** The answer arrives only after `delayMs`. */
  | { kind: 'late'; status: number; delayMs: number }
  /** The connection is reset without an answer. */
  | { kind: 'reset' };

export interface Receiver {
  url: string;
  port: number;
  requests: ReceivedRequest[];
  /** Answers the next requests with these, in order; later ones get the default (200). */
  script(...behaviours: Behaviour[]): void;
  /** Validates each request; a returned string is the 400 answer's reason. */
  check: ((r: ReceivedRequest) => string | null) | null;
  /** The answer after the script runs out. */
  fallback: Behaviour;
  close(): Promise<void>;
}

export const ok = (status = 200, body = 'ok'): Behaviour => ({ kind: 'status', status, body });

export async function startReceiver(options: { path?: string } = {}): Promise<Receiver> {
  const queue: Behaviour[] = [];
  const sockets = new Set<Socket>();
  const receiver: Receiver = {
    url: '',
    port: 0,
    requests: [],
    script: (...b) => queue.push(...b),
    check: null,
    fallback: ok(),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
  const answer = (res: ServerResponse, b: Behaviour) => {
    switch (b.kind) {
      case 'status':
        res.writeHead(b.status, { 'content-type': 'text/plain', ...(b.headers ?? {}) });
        res.end(b.body ?? '');
        return;
      case 'slow':
        res.writeHead(b.status, { 'content-type': 'text/plain' });
        res.write('partial ');
        setTimeout(() => res.end(b.body ?? 'done'), b.delayMs).unref();
        return;
      case 'late':
        setTimeout(() => {
          if (!res.destroyed) res.writeHead(b.status).end('late');
        }, b.delayMs).unref();
        return;
      case 'reset':
        res.socket?.resetAndDestroy();
        return;
    }
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r: ReceivedRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() };
      receiver.requests.push(r);
      const refusal = receiver.check?.(r) ?? null;
      if (refusal) {
        res.writeHead(400, { 'content-type': 'text/plain' }).end(refusal);
        return;
      }
      answer(res, queue.shift() ?? receiver.fallback);
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  receiver.port = port;
  receiver.url = `http://127.0.0.1:${port}${options.path ?? '/hook'}`;
  return receiver;
}
