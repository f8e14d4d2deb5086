// The simulated agents of bench:ingest, in a worker thread so their gzip and HTTP client work does not share the
// server's event loop (the numbers then describe the server, as with an external load generator).
import { parentPort, workerData } from 'node:worker_threads';
import { gzipSync } from 'node:zlib';
import { Agent, request } from 'undici';
import { v7 as uuidv7 } from 'uuid';

export interface LoadInput {
  url: string;
  keys: string[];
  bodies: Array<Record<string, unknown>>;
  concurrency: number;
  seconds: number;
  /** Total payloads per second across agents; 0 = as fast as the server answers. */
  rate: number;
}

export interface LoadResult {
  latencies: number[];
  accepted: number;
  failed: number;
  statusCounts: Record<number, number>;
  seconds: number;
}

async function run(input: LoadInput): Promise<LoadResult> {
  const dispatcher = new Agent({ connections: input.concurrency, pipelining: 1 });
  const latencies: number[] = [];
  const statusCounts: Record<number, number> = {};
  let accepted = 0;
  let failed = 0;
  let seq = 0;
  const started = Date.now();
  const deadline = started + input.seconds * 1000;
  const interval = input.rate > 0 ? (1000 * input.concurrency) / input.rate : 0;

  async function agentLoop(n: number) {
    let next = Date.now() + (interval * n) / input.concurrency;
    while (Date.now() < deadline) {
      if (interval > 0) {
        const wait = next - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        next += interval;
      }
      const i = seq++;
      const template = input.bodies[i % input.bodies.length]!;
      const body = gzipSync(JSON.stringify({ ...template, id: uuidv7(), collectedAt: new Date().toISOString() }));
      const t0 = performance.now();
      try {
        const res = await request(`${input.url}/v1/ingest`, {
          method: 'POST',
          dispatcher,
          headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', authorization: `Bearer ${input.keys[i % input.keys.length]}` },
          body,
        });
        await res.body.dump();
        latencies.push(performance.now() - t0);
        if (res.statusCode === 202) accepted++;
        else {
          failed++;
          statusCounts[res.statusCode] = (statusCounts[res.statusCode] ?? 0) + 1;
        }
      } catch {
        failed++;
      }
    }
  }
  await Promise.all(Array.from({ length: input.concurrency }, (_, n) => agentLoop(n)));
  await dispatcher.close();
  return { latencies, accepted, failed, statusCounts, seconds: (Date.now() - started) / 1000 };
}

if (parentPort) {
  const port = parentPort;
  void run(workerData as LoadInput).then((r) => port.postMessage(r));
}
