import { setMaxListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { MAX_COMPRESSED_PAYLOAD_BYTES, type IngestBatchItem, type Payload, type SpoolStats } from '@logstag/schema/core';
import { constants as zlibConstants, gunzipSync } from 'node:zlib';
import pRetry from 'p-retry';
import { payloadJson } from './envelope';
import { gzipBatch, gzipJson, gzipPayload, type IngestClient } from './ingest-client';
import { RejectedPayloadError, RetryableSendError, UnauthorizedError } from './send-errors';
import type { Spool, SpoolEntry } from './spool';

export interface SenderLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface SenderOptions {
  client: IngestClient;
  spool: Spool;
  logger: SenderLogger;
  /** Attempts after the first for a live payload before it goes to the spool. */
  retries?: number;
  minRetryMs?: number;
  maxRetryMs?: number;
  /** A Retry-After longer than this is not waited for in line: the payload goes to the spool and replay waits. */
  maxInlineRetryAfterMs?: number;
  /** Bounded re-send rate in requests a second, so a recovering server is not flooded with a day of backlog at once. */
  replayPerSecond?: number;
  /**
   * Spooled payloads per replay request (default 25, as one batch): at 5 requests a second a day's backlog of 20
   * targets (about 216,000 payloads) is re-sent in half an hour instead of twelve hours.
   */
  replayBatchPayloads?: number;
  replayMinBackoffMs?: number;
  replayMaxBackoffMs?: number;
  /** More concurrent live sends than this (a slow server) go straight to the spool instead of piling up in memory. */
  maxInFlight?: number;
  /**
   * How long a submitted payload waits for others to share its request (default 2 s). Collections are spread over
   * their intervals, so 20 targets submit about 2.5 payloads a second; one request each was most of the agent's CPU.
   */
  batchLingerMs?: number;
  /** A batch is sent as soon as it holds this many payloads (default 100)... */
  maxBatchPayloads?: number;
  /** ...or this many bytes of JSON (default 4 MiB, well inside the server's limits for one body). */
  maxBatchBytes?: number;
}

export type DeliveryOutcome = 'sent' | 'spooled' | 'dropped';

interface SpooledItem {
  entry: SpoolEntry;
  /** The file as spooled: one payload's JSON, gzip'd, flagged replayed. */
  body: Buffer;
}

interface PendingLine {
  id: string;
  /**
   * The payload's JSON, as validated when it was built, in UTF-8 outside V8's heap: a line waits up to the batch's
   * linger (2 s), long enough for the young generation to promote a string to the old one, where only a major GC frees
   * it. As text the waiting lines were the largest part of what the agent promoted (docs/benchmarks.md, "Session 7").
   */
  line: Buffer;
}

/**
 * The server's verdict on each of a batch's `count` lines, in order: undefined where it took the payload (accepted or
 * a duplicate), else why not. A line it did not answer counts as refused: nothing says it was stored.
 */
function refusals(results: readonly IngestBatchItem[], count: number): Array<string | undefined> {
  const byLine = new Map(results.map((item) => [item.line, item]));
  return Array.from({ length: count }, (_, index) => {
    const item = byLine.get(index + 1);
    if (!item) return 'no answer for this payload in the batch';
    return item.status === 'rejected' ? `${item.error.code}: ${item.error.message}` : undefined;
  });
}

/** The payload back from its line, for the paths that spool it (the spooled file carries the replayed flag). */
const payloadOf = (pending: PendingLine): Payload => JSON.parse(pending.line.toString('utf8')) as Payload;

export interface SenderStats {
  sent: number;
  spooled: number;
  replayed: number;
  rejected: number;
  droppedBySpoolCap: number;
}

/**
 * Delivers payloads: live first (retries with exponential backoff and jitter, honouring Retry-After), to the spool
 * when the server cannot take them, and from the spool in order, flagged `replayed`, once it answers again.
 * While the server is known to be down, live payloads go straight to the spool so the backlog keeps its order and
 * no memory is spent on doomed retries.
 */
export class Sender {
  private readonly inFlight = new Set<Promise<unknown>>();
  /**
   * Submitted payloads waiting for the batch to fill or its linger to pass, as their JSON lines only: the payload's
   * object graph can go at the next scavenge instead of being promoted to the old generation while it waits.
   */
  private pending: PendingLine[] = [];
  private pendingBytes = 0;
  private lingerTimer: NodeJS.Timeout | undefined;
  /** Off once the server said it takes no batches (an older server): one payload per request from then on. */
  private batching = true;
  private readonly closing = new AbortController();
  private serverAvailable = true;
  /** Earliest time the replayer may try again (Retry-After, backoff). */
  private notBefore = 0;
  private replayLoop: Promise<void> | undefined;
  /** The last spool write handed over: the next one waits for it (see toSpool). */
  private spoolWrites: Promise<unknown> = Promise.resolve();
  /** stats.droppedBySpoolCap at the last takeSpoolStats(). */
  private droppedReported = 0;
  /** Why the last payload was not sent (server unreachable, key refused, payload rejected), for a one-shot's summary. */
  lastError: Error | undefined;
  readonly stats: SenderStats = { sent: 0, spooled: 0, replayed: 0, rejected: 0, droppedBySpoolCap: 0 };

  constructor(private readonly options: SenderOptions) {
    // Every live send listens on the shutdown signal (fetch, retry delay, Retry-After wait): up to maxInFlight sends
    // at once are expected, not a leak.
    setMaxListeners(8 * ((options.maxInFlight ?? 32) + 2), this.closing.signal);
  }

  /** Starts re-sending the spool (including what a previous run left there). */
  start(): void {
    this.replayLoop ??= this.replay().catch((err: unknown) => {
      // A replayer that died would leave the backlog on disk forever; say so loudly (the next start resumes it).
      this.options.logger.error({ err }, 'spool replay stopped');
    });
  }

  /**
   * The spool as the heartbeat reports it: backlog now, and payloads the caps dropped since the previous call (each
   * drop is counted once, so consecutive heartbeats add up to the total lost).
   */
  takeSpoolStats(): SpoolStats {
    this.reportDropped();
    const dropped = this.stats.droppedBySpoolCap - this.droppedReported;
    this.droppedReported = this.stats.droppedBySpoolCap;
    return { backlogPayloads: this.options.spool.count, backlogBytes: this.options.spool.bytes, droppedSinceLast: dropped };
  }

  /**
   * Hands a payload over without waiting: a collection never waits for the network. Payloads submitted within
   * batchLingerMs of each other go in one request (a batch); while the server is down they go straight to the spool.
   */
  submit(payload: Payload): void {
    if (!this.batching || this.spoolOnly()) {
      this.track(this.deliver(payload), [payload.id]);
      return;
    }
    const line = payloadJson(payload);
    const maxBytes = this.options.maxBatchBytes ?? 4 * 1024 * 1024;
    // One that would fill a batch alone is sent alone, where its size is checked against the server's limit.
    if (line.length >= maxBytes) {
      this.track(this.deliver(payload), [payload.id]);
      return;
    }
    if (this.pendingBytes + line.length + 1 > maxBytes) this.flush();
    this.pending.push({ id: payload.id, line: Buffer.from(line, 'utf8') });
    this.pendingBytes += line.length + 1;
    if (this.pending.length >= (this.options.maxBatchPayloads ?? 100)) this.flush();
    else this.lingerTimer ??= setTimeout(() => this.flush(), this.options.batchLingerMs ?? 2000);
  }

  /** Sends what is waiting now rather than at the end of its linger. */
  flush(): void {
    clearTimeout(this.lingerTimer);
    this.lingerTimer = undefined;
    const batch = this.pending;
    if (batch.length === 0) return;
    this.pending = [];
    this.pendingBytes = 0;
    this.track(this.deliverBatch(batch), batch.map((b) => b.id));
  }

  /** Stopping, the server known to be down, or too many sends already waiting on it: live payloads go to the spool. */
  private spoolOnly(): boolean {
    return this.closing.signal.aborted || !this.serverAvailable || this.inFlight.size > (this.options.maxInFlight ?? 32);
  }

  private track(delivery: Promise<unknown>, payloadIds: readonly string[]): void {
    const tracked = delivery
      .catch((err: unknown) => {
        this.options.logger.error({ payloadIds, err }, 'cannot spool the payload: dropped');
      })
      .finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }

  /**
   * Sends a batch in one request, with the same retries as a single payload. Each line gets its own verdict: a
   * rejected one is dropped and logged, the others count as sent. When the request fails for good they all go to the
   * spool; when the server refuses the batch as a whole (a server without batches answers 415, one with smaller limits
   * 413), each is sent alone instead, so none is lost to the form it travelled in.
   */
  private async deliverBatch(batch: readonly PendingLine[]): Promise<void> {
    if (batch.length === 1) {
      await this.deliverLine(batch[0]!);
      return;
    }
    const { logger } = this.options;
    let results: IngestBatchItem[];
    try {
      const body = await gzipBatch(batch.map((b) => b.line));
      results = await this.withRetries(() => this.options.client.postBatch(body, this.closing.signal));
    } catch (err) {
      if (err instanceof RejectedPayloadError) {
        this.batchRefused(err);
        await Promise.all(batch.map((b) => this.deliverLine(b)));
        return;
      }
      if (err instanceof RetryableSendError) this.markUnavailable(err);
      else if (!this.closing.signal.aborted) logger.error({ payloads: batch.length, err }, 'unexpected error while sending');
      await Promise.all(batch.map((b) => this.toSpool(payloadOf(b))));
      return;
    }
    for (const [index, refusal] of refusals(results, batch.length).entries()) {
      if (refusal === undefined) {
        this.stats.sent++;
        continue;
      }
      this.stats.rejected++;
      this.lastError = new RejectedPayloadError(400, refusal);
      logger.error({ payloadId: batch[index]!.id, serverMessage: refusal }, 'server rejected the payload: dropped');
    }
  }

  /** A batch refused as a whole: its payloads go alone; a server that takes no batches (415) gets no more of them. */
  private batchRefused(err: RejectedPayloadError): void {
    if (err.status !== 415) return;
    this.batching = false;
    this.options.logger.warn({ status: err.status, serverMessage: err.serverMessage }, 'the server takes one payload per request: batching off');
  }

  async deliver(payload: Payload): Promise<DeliveryOutcome> {
    return this.deliverLine({ id: payload.id, line: Buffer.from(payloadJson(payload), 'utf8') }, payload);
  }

  /**
   * One payload in a request of its own, sent as its JSON line. The payload object is needed only to spool it: the
   * caller's when it still holds it, else parsed back from the line then, and only then.
   */
  private async deliverLine(pending: PendingLine, payload?: Payload): Promise<DeliveryOutcome> {
    const { logger } = this.options;
    const toSpool = () => this.toSpool(payload ?? payloadOf(pending));
    if (this.spoolOnly()) return toSpool();
    let body = await gzipJson(pending.line);
    // Near the server's limit the default level's few percent decide: it gets the last word before a drop.
    if (body.length > MAX_COMPRESSED_PAYLOAD_BYTES) body = await gzipJson(pending.line, zlibConstants.Z_DEFAULT_COMPRESSION);
    if (this.overLimit(pending.id, body)) return 'dropped';
    try {
      await this.withRetries(() => this.options.client.post(body, this.closing.signal));
      this.stats.sent++;
      return 'sent';
    } catch (err) {
      if (err instanceof RejectedPayloadError) {
        this.stats.rejected++;
        this.lastError = err;
        logger.error({ payloadId: pending.id, status: err.status, serverMessage: err.serverMessage }, 'server rejected the payload: dropped');
        return 'dropped';
      }
      if (err instanceof RetryableSendError) this.markUnavailable(err);
      else if (!this.closing.signal.aborted) logger.error({ payloadId: pending.id, err }, 'unexpected error while sending');
      return toSpool();
    }
  }

  /** Live sends: exponential backoff with jitter, Retry-After honoured in line up to maxInlineRetryAfterMs. */
  private withRetries<T>(attempt: () => Promise<T>): Promise<T> {
    return pRetry(attempt, {
      retries: this.options.retries ?? 3,
      minTimeout: this.options.minRetryMs ?? 500,
      maxTimeout: this.options.maxRetryMs ?? 10_000,
      factor: 2,
      randomize: true,
      signal: this.closing.signal,
      shouldRetry: ({ error }) => error instanceof RetryableSendError && !(error instanceof UnauthorizedError),
      onFailedAttempt: async ({ error }) => {
        const retryAfterMs = error instanceof RetryableSendError ? error.retryAfterMs : undefined;
        if (retryAfterMs === undefined) return;
        if (retryAfterMs > (this.options.maxInlineRetryAfterMs ?? 30_000)) throw error;
        await sleep(retryAfterMs, undefined, { signal: this.closing.signal });
      },
    });
  }

  /**
   * Stops: live sends in flight are aborted and go to the spool (nothing in flight is lost), the replayer ends after
   * its current request; payloads waiting for their batch go to the spool too. Waits for all.
   */
  async close(): Promise<void> {
    // What still waits for its batch goes to the spool with the in-flight sends the shutdown interrupts.
    clearTimeout(this.lingerTimer);
    this.lingerTimer = undefined;
    for (const pending of this.pending.splice(0)) this.track(this.toSpool(payloadOf(pending)), [pending.id]);
    this.pendingBytes = 0;
    this.closing.abort(new Error('agent is shutting down'));
    await Promise.allSettled([...this.inFlight]);
    await this.replayLoop;
    this.options.client.close();
  }

  /**
   * The server refuses a body over its compressed limit unread (413): neither sending nor spooling it can ever
   * succeed, and in the spool it would only push out older payloads that can. Dropped here, counted and logged.
   */
  private overLimit(payloadId: string, body: Buffer): boolean {
    if (body.length <= MAX_COMPRESSED_PAYLOAD_BYTES) return false;
    this.stats.rejected++;
    this.lastError = new Error(`payload of ${body.length} bytes compressed is over the server's limit of ${MAX_COMPRESSED_PAYLOAD_BYTES}`);
    this.options.logger.error({ payloadId, bytes: body.length, limit: MAX_COMPRESSED_PAYLOAD_BYTES }, 'payload too large even compressed: dropped');
    return true;
  }

  /**
   * Compressions run side by side, but files are written in the order payloads were handed over: the spool replays
   * by file name, so a batch spooled as a whole comes back in the order it was collected.
   */
  private toSpool(payload: Payload): Promise<DeliveryOutcome> {
    // Everything in the spool is replayed data by the time it arrives: flag it now, so the file is sent as it is.
    const compressed = gzipPayload({ ...payload, replayed: true });
    compressed.catch(() => undefined); // awaited in its turn below; not an unhandled rejection while it waits
    const turn = this.spoolWrites.then(async (): Promise<DeliveryOutcome> => {
      const body = await compressed;
      if (this.overLimit(payload.id, body)) return 'dropped';
      await this.options.spool.put(payload.id, body);
      this.stats.spooled++;
      this.reportDropped();
      return 'spooled';
    });
    this.spoolWrites = turn.catch(() => undefined);
    return turn;
  }

  private reportDropped(): void {
    const dropped = this.options.spool.takeDroppedCount();
    if (dropped === 0) return;
    this.stats.droppedBySpoolCap += dropped;
    this.options.logger.warn(
      { dropped, droppedTotal: this.stats.droppedBySpoolCap, spooled: this.options.spool.count, spoolBytes: this.options.spool.bytes },
      'spool over its size or age limit: oldest payloads dropped',
    );
  }

  private markUnavailable(err: RetryableSendError): void {
    this.lastError = err;
    if (this.serverAvailable) this.options.logger.warn({ reason: err.message }, 'server unavailable: spooling payloads');
    this.serverAvailable = false;
    if (err.retryAfterMs !== undefined) this.notBefore = Math.max(this.notBefore, Date.now() + err.retryAfterMs);
  }

  private async replay(): Promise<void> {
    const { spool, logger } = this.options;
    const pauseMs = 1000 / (this.options.replayPerSecond ?? 5);
    const minBackoff = this.options.replayMinBackoffMs ?? 1000;
    const maxBackoff = this.options.replayMaxBackoffMs ?? 60_000;
    let backoff = minBackoff;
    const signal = this.closing.signal;
    const wait = (ms: number) => sleep(ms, undefined, { signal }).then(
      () => true,
      () => false,
    );

    await spool.enforceLimits();
    this.reportDropped();
    while (!signal.aborted) {
      const entries = spool.oldestN(this.batching ? (this.options.replayBatchPayloads ?? 25) : 1);
      if (entries.length === 0) {
        if (!(await wait(pauseMs * 5))) break;
        continue;
      }
      if (Date.now() < this.notBefore && !(await wait(this.notBefore - Date.now()))) break;
      const items: SpooledItem[] = [];
      for (const entry of entries) {
        const body = await spool.read(entry);
        if (body) items.push({ entry, body });
      }
      if (items.length === 0) continue;
      try {
        await this.replayItems(items);
        backoff = minBackoff;
        if (!this.serverAvailable) logger.info({ backlog: spool.count }, 'server reachable again: replaying the spool');
        this.serverAvailable = true;
        if (!(await wait(pauseMs))) break;
      } catch (err) {
        for (const { entry } of items) spool.release(entry);
        if (signal.aborted) break;
        if (err instanceof RetryableSendError) this.markUnavailable(err);
        else logger.error({ err }, 'unexpected error while replaying the spool');
        // Equal jitter (half fixed, half random): many agents recovering from one outage must not retry in step.
        if (!(await wait(backoff / 2 + Math.random() * (backoff / 2)))) break;
        backoff = Math.min(backoff * 2, maxBackoff);
      }
    }
  }

  /**
   * Re-sends spooled payloads, as one batch when there are several. Each one the server answered is removed from the
   * spool, including those it rejected (they could never be taken); a failed request throws with all of them kept.
   * A batch refused as a whole is re-sent one payload per request, as live batches are.
   */
  private async replayItems(items: readonly SpooledItem[]): Promise<void> {
    if (items.length === 1 || !this.batching) {
      for (const item of items) await this.replayOne(item);
      return;
    }
    const lines: string[] = [];
    const sent: SpooledItem[] = [];
    for (const item of items) {
      try {
        lines.push(gunzipSync(item.body).toString('utf8'));
        sent.push(item);
      } catch {
        // Written by an agent whose disk failed it: nothing to send, and it must not hold the queue up.
        this.options.logger.error({ file: item.entry.name }, 'spooled payload unreadable: dropped');
        await this.options.spool.remove(item.entry);
      }
    }
    if (sent.length === 0) return;
    let results: IngestBatchItem[];
    try {
      results = await this.options.client.postBatch(await gzipBatch(lines), this.closing.signal);
    } catch (err) {
      if (!(err instanceof RejectedPayloadError)) throw err;
      this.batchRefused(err);
      for (const item of sent) await this.replayOne(item);
      return;
    }
    for (const [index, refusal] of refusals(results, sent.length).entries()) {
      if (refusal === undefined) this.stats.replayed++;
      else this.rejectedSpooled(sent[index]!, refusal);
      await this.options.spool.remove(sent[index]!.entry);
    }
  }

  /** One spooled payload in a request of its own; a rejected one is dropped, other failures throw. */
  private async replayOne(item: SpooledItem): Promise<void> {
    try {
      await this.options.client.post(item.body, this.closing.signal);
      this.stats.replayed++;
    } catch (err) {
      if (!(err instanceof RejectedPayloadError)) throw err;
      this.rejectedSpooled(item, err.serverMessage, err.status);
    }
    await this.options.spool.remove(item.entry);
  }

  private rejectedSpooled(item: SpooledItem, serverMessage: string | undefined, status?: number): void {
    this.stats.rejected++;
    this.options.logger.error({ file: item.entry.name, status, serverMessage }, 'server rejected a spooled payload: dropped');
  }
}
