// The simulated agents of bench:ingest, in a process of their own (forked by ingest.ts) so that their gzip and HTTP
// client work neither shares the server's event loop nor hides in the server's CPU figures: the numbers then describe
// the server, as with an external load generator, and this process reports its own CPU.
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { Agent, request } from 'undici';
import { v7 as uuidv7 } from 'uuid';

const gzipAsync = promisify(gzip);

export interface LoadInput {
  url: string;
  keys: string[];
  bodies: Array<Record<string, unknown>>;
  concurrency: number;
  seconds: number;
  /** Total payloads per second across agents; 0 = as fast as the server answers. */
  rate: number;
  /**
   * Make every body before the clock starts (rate × seconds of them), so that the load generator's own gzip work
   * does not take CPU from the server on the same cores during the run. Otherwise each body is made just before it is
   * sent.
   */
  pregenerate: boolean;
}

export interface LoadResult {
  latencies: number[];
  accepted: number;
  failed: number;
  statusCounts: Record<number, number>;
  seconds: number;
  /** This process's CPU over the run (user + system), in seconds. */
  cpuSeconds: number;
}

/** Set by the parent's `{ stop: true }` message or a signal: the agents stop sending and report what they did. */
let stopped = false;

const makeBody = (template: Record<string, unknown>) => gzipAsync(JSON.stringify({ ...template, id: uuidv7(), collectedAt: new Date().toISOString() }));

async function run(input: LoadInput): Promise<LoadResult> {
  const ready: Buffer[] = [];
  if (input.pregenerate) {
    const n = Math.ceil(input.rate * input.seconds) + input.concurrency;
    for (let i = 0; i < n && !stopped; i += 64) {
      ready.push(...(await Promise.all(Array.from({ length: Math.min(64, n - i) }, (_, k) => makeBody(input.bodies[(i + k) % input.bodies.length]!)))));
    }
  }
  // The parent starts its clocks (CPU, backlog) on this message.
  process.send?.({ ready: true });
  const dispatcher = new Agent({ connections: input.concurrency, pipelining: 1 });
  const latencies: number[] = [];
  const statusCounts: Record<number, number> = {};
  let accepted = 0;
  let failed = 0;
  let seq = 0;
  const cpu0 = process.cpuUsage();
  const started = Date.now();
  const deadline = started + input.seconds * 1000;
  const interval = input.rate > 0 ? (1000 * input.concurrency) / input.rate : 0;

  async function agentLoop(n: number) {
    let next = Date.now() + (interval * n) / input.concurrency;
    while (Date.now() < deadline && !stopped) {
      // The body is made before its send time (gzip in the zlib pool, off this event loop), as an agent has its
      // payload ready when it sends: the timed part is the HTTP exchange alone.
      const i = seq++;
      const body = ready[i] ?? (await makeBody(input.bodies[i % input.bodies.length]!));
      if (interval > 0) {
        const wait = next - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        next += interval;
      }
      if (Date.now() >= deadline || stopped) break;
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
  const cpu = process.cpuUsage(cpu0);
  return { latencies, accepted, failed, statusCounts, seconds: (Date.now() - started) / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

// Forked by ingest.ts: the input arrives as the first IPC message, the result goes back the same way.
if (process.send) {
  process.once('message', (input: LoadInput) => {
    process.on('message', (m: { stop?: boolean }) => {
      if (m.stop) stopped = true;
    });
    void run(input).then((r) => process.send!(r, () => process.exit(0)));
  });
  // Ctrl-C reaches the whole process group: stop like the parent asked, so it still gets the figures.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => (stopped = true));
}
