import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { INGEST_BATCH_CONTENT_TYPE } from '@logstag/schema';

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  /** The gunzipped, parsed JSON body of a single payload; a batch's first payload. */
  body: Record<string, unknown>;
  /** Every payload the request carried: one, or a batch's lines (Content-Type application/x-ndjson). */
  payloads: Array<Record<string, unknown>>;
  batch: boolean;
  /** The body's length as sent (gzip'd). */
  bytes: number;
  at: number;
}

export interface ScriptedResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Hold the response this long (a slow server). */
  delayMs?: number;
}

/**
 * A real HTTP server on 127.0.0.1 speaking the ingest contract: answers each request with the next scripted response,
 * then 202 like the API once the script runs out: `{id, status: 'accepted'}` to a payload, `{results}` with every
 * line accepted to a batch.
 */
export async function startIngestServer(script: ScriptedResponse[] = []): Promise<{
  url: string;
  requests: ReceivedRequest[];
  /** Every payload received, in order, whether it came alone or in a batch. */
  readonly payloads: Array<Record<string, unknown>>;
  script: ScriptedResponse[];
  close(): Promise<void>;
}> {
  const requests: ReceivedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const text = gunzipSync(raw).toString('utf8');
      const batch = req.headers['content-type'] === INGEST_BATCH_CONTENT_TYPE;
      const payloads = (batch ? text.split('\n').filter((line) => line.trim() !== '') : [text]).map((line) => JSON.parse(line) as Record<string, unknown>);
      const body = payloads[0]!;
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, payloads, batch, bytes: raw.length, at: Date.now() });
      const accepted = batch
        ? { results: payloads.map((p, i) => ({ line: i + 1, id: p.id, status: 'accepted' })) }
        : { id: body.id, status: 'accepted' };
      const next = script.shift() ?? { status: 202, body: accepted };
      setTimeout(() => {
        if (res.destroyed) return;
        res.writeHead(next.status, { 'content-type': 'application/json', ...next.headers });
        res.end(next.body === undefined ? '' : JSON.stringify(next.body));
      }, next.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    get payloads() {
      return requests.flatMap((r) => r.payloads);
    },
    script,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
