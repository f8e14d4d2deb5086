// One simulated agent: sends its payloads as gzip'd NDJSON batches like the real agent's sender (a batch after a
// linger or at 100 payloads), and keeps every payload that got no final answer (network error, 408, 429, 5xx,
// 401/403) in its spool, sent again later with the same id, in batches of 25, with a backoff while the server fails.
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { request, type Dispatcher } from 'undici';
import { INGEST_BATCH_CONTENT_TYPE, type IngestBatchItem } from '@logstag/schema';
import type { Ledger } from './ledger';

const gzipAsync = promisify(gzip);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The real agent's defaults (agent/src/output/sender.ts). */
const LINGER_MS = 2_000;
const MAX_BATCH = 100;
const REPLAY_BATCH = 25;
const REPLAY_INTERVAL_MS = 200;
const MAX_BACKOFF_MS = 30_000;

export interface QueuedLine {
  id: string;
  line: string;
  queuedAt: number;
  /** Sent alone after its batch was refused as a whole (as the agent does after a 4xx for a batch). */
  alone?: boolean;
}

export interface AgentContext {
  url: string;
  dispatcher: Dispatcher;
  ledger: Ledger;
  /** Jitter of the backoff (seeded, so two runs with one seed retry alike). */
  random: () => number;
}

type Outcome = { ok: true } | { ok: false; cause: string; retryAfterMs?: number };

export class SimulatedAgent {
  private fresh: QueuedLine[] = [];
  private spool: QueuedLine[] = [];
  private finishing = false;
  private aborted = false;
  private backoffMs = 0;
  private inFlight = 0;

  constructor(
    private readonly key: string,
    private readonly ctx: AgentContext,
  ) {}

  /** Payloads waiting to be sent or sent again, or in a request not answered yet. */
  get waiting(): number {
    return this.fresh.length + this.spool.length + this.inFlight;
  }

  submit(id: string, line: string): void {
    this.fresh.push({ id, line, queuedAt: Date.now() });
  }

  /** No more payloads will come: send what waits without lingering, until everything has a final answer. */
  finish(): void {
    this.finishing = true;
  }

  /** Stop now; what waits stays unanswered. */
  abort(): void {
    this.aborted = true;
  }

  async run(): Promise<void> {
    while (!this.aborted && !(this.finishing && this.fresh.length + this.spool.length === 0)) {
      const next = this.nextBatch();
      if (!next) {
        await sleep(50);
        continue;
      }
      const { batch, replay } = next;
      this.inFlight = batch.length;
      const outcome = await this.send(batch).finally(() => (this.inFlight = 0));
      if (outcome.ok) {
        this.backoffMs = 0;
        if (replay) await sleep(REPLAY_INTERVAL_MS);
        continue;
      }
      this.ctx.ledger.requestFailed(outcome.cause);
      this.spool.unshift(...batch);
      this.backoffMs = Math.min(MAX_BACKOFF_MS, this.backoffMs ? this.backoffMs * 2 : 1_000);
      const wait = Math.max(outcome.retryAfterMs ?? 0, this.backoffMs * (0.5 + this.ctx.random() / 2));
      await this.sleepUnlessAborted(Math.min(wait, 60_000));
    }
  }

  /** The spool first (it holds the oldest), then the fresh payloads once the batch is full or has lingered. */
  private nextBatch(): { batch: QueuedLine[]; replay: boolean } | null {
    if (this.spool.length > 0) return { batch: this.spool.splice(0, this.spool[0]!.alone ? 1 : REPLAY_BATCH), replay: true };
    const oldest = this.fresh[0];
    if (!oldest) return null;
    if (this.fresh.length >= MAX_BATCH || this.finishing || Date.now() - oldest.queuedAt >= LINGER_MS) return { batch: this.fresh.splice(0, MAX_BATCH), replay: false };
    return null;
  }

  private async sleepUnlessAborted(ms: number): Promise<void> {
    const until = Date.now() + ms;
    while (!this.aborted && Date.now() < until) await sleep(Math.min(200, until - Date.now()));
  }

  private async send(batch: QueuedLine[]): Promise<Outcome> {
    const { ledger } = this.ctx;
    ledger.attempted(batch.map((b) => b.id));
    let status: number;
    let text: string;
    let retryAfter: string | string[] | undefined;
    try {
      const body = await gzipAsync(Buffer.from(batch.map((b) => b.line).join('\n'), 'utf8'));
      const res = await request(`${this.ctx.url}/v1/ingest`, {
        method: 'POST',
        dispatcher: this.ctx.dispatcher,
        headers: { 'content-type': INGEST_BATCH_CONTENT_TYPE, 'content-encoding': 'gzip', authorization: `Bearer ${this.key}` },
        body,
        headersTimeout: 30_000,
        bodyTimeout: 30_000,
      });
      status = res.statusCode;
      retryAfter = res.headers['retry-after'];
      text = await res.body.text();
    } catch (err) {
      return { ok: false, cause: (err as { code?: string }).code ?? 'network error' };
    }
    if (status === 202) {
      let results: IngestBatchItem[] | undefined;
      try {
        results = (JSON.parse(text) as { results?: IngestBatchItem[] }).results;
      } catch {
        results = undefined;
      }
      // A 2xx without results did not come from the ingest API: nothing is known to be stored.
      if (!Array.isArray(results)) return { ok: false, cause: 'answer without results' };
      const byLine = new Map(results.map((r) => [r.line, r]));
      batch.forEach((b, i) => {
        const item = byLine.get(i + 1);
        if (!item) ledger.refused(b.id, 'no answer for the line');
        else if (item.status === 'rejected') ledger.refused(b.id, item.error.code);
        else ledger.accepted(b.id);
      });
      return { ok: true };
    }
    if (status === 408 || status === 429 || status >= 500 || status === 401 || status === 403) {
      const seconds = Number(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter);
      return { ok: false, cause: `http ${status}`, ...(Number.isFinite(seconds) ? { retryAfterMs: seconds * 1000 } : {}) };
    }
    // Refused as a whole (another 4xx): alone, each payload gets its own answer; a payload alone is refused.
    if (batch.length > 1) {
      this.spool.unshift(...batch.map((b) => ({ ...b, alone: true })));
    } else {
      ledger.refused(batch[0]!.id, `http_${status}`);
    }
    return { ok: true };
  }
}
