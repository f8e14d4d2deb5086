import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  /** The gunzipped, parsed JSON body. */
  body: Record<string, unknown>;
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
 * then 202 `{id, status: 'accepted'}` like the API once the script runs out.
 */
export async function startIngestServer(script: ScriptedResponse[] = []): Promise<{
  url: string;
  requests: ReceivedRequest[];
  script: ScriptedResponse[];
  close(): Promise<void>;
}> {
  const requests: ReceivedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const body = JSON.parse(gunzipSync(raw).toString('utf8')) as Record<string, unknown>;
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, at: Date.now() });
      const next = script.shift() ?? { status: 202, body: { id: body.id, status: 'accepted' } };
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
    script,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
