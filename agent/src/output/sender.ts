import { setMaxListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { MAX_COMPRESSED_PAYLOAD_BYTES, type Payload, type SpoolStats } from '@logstag/schema';
import pRetry from 'p-retry';
import { gzipPayload, type IngestClient } from './ingest-client';
import { RejectedPayloadError, RetryableSendError, UnauthorizedError } from './send-errors';
import type { Spool } from './spool';

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
  /** Bounded re-send rate, so a recovering server is not flooded with a day of backlog at once. */
  replayPerSecond?: number;
  replayMinBackoffMs?: number;
  replayMaxBackoffMs?: number;
  /** More concurrent live sends than this (a slow server) go straight to the spool instead of piling up in memory. */
  maxInFlight?: number;
}

export type DeliveryOutcome = 'sent' | 'spooled' | 'dropped';

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
  private readonly inFlight = new Set<Promise<DeliveryOutcome>>();
  private readonly closing = new AbortController();
  private serverAvailable = true;
  /** Earliest time the replayer may try again (Retry-After, backoff). */
  private notBefore = 0;
  private replayLoop: Promise<void> | undefined;
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

  /** Hands a payload over without waiting: a collection never waits for the network. */
  submit(payload: Payload): void {
    const delivery = this.deliver(payload)
      .catch((err: unknown): DeliveryOutcome => {
        // Only the spool itself can fail here (disk full, permissions): the payload is lost, and says so.
        this.options.logger.error({ payloadId: payload.id, err }, 'cannot spool the payload: dropped');
        return 'dropped';
      })
      .finally(() => this.inFlight.delete(delivery));
    this.inFlight.add(delivery);
  }

  async deliver(payload: Payload): Promise<DeliveryOutcome> {
    const { logger } = this.options;
    if (this.closing.signal.aborted || !this.serverAvailable || this.inFlight.size > (this.options.maxInFlight ?? 32)) {
      return this.toSpool(payload);
    }
    const body = await gzipPayload(payload);
    // The server refuses such a body unread (413); neither sending nor spooling it can ever succeed.
    if (body.length > MAX_COMPRESSED_PAYLOAD_BYTES) {
      this.stats.rejected++;
      this.lastError = new Error(`payload of ${body.length} bytes compressed is over the server's limit of ${MAX_COMPRESSED_PAYLOAD_BYTES}`);
      logger.error({ payloadId: payload.id, bytes: body.length, limit: MAX_COMPRESSED_PAYLOAD_BYTES }, 'payload too large even compressed: dropped');
      return 'dropped';
    }
    try {
      await pRetry(() => this.options.client.post(body, this.closing.signal), {
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
          // Throwing ends the retries: the spool and its replayer will wait out a long Retry-After instead.
          if (retryAfterMs > (this.options.maxInlineRetryAfterMs ?? 30_000)) throw error;
          await sleep(retryAfterMs, undefined, { signal: this.closing.signal });
        },
      });
      this.stats.sent++;
      return 'sent';
    } catch (err) {
      if (err instanceof RejectedPayloadError) {
        this.stats.rejected++;
        this.lastError = err;
        logger.error({ payloadId: payload.id, status: err.status, serverMessage: err.serverMessage }, 'server rejected the payload: dropped');
        return 'dropped';
      }
      if (err instanceof RetryableSendError) this.markUnavailable(err);
      else if (!this.closing.signal.aborted) logger.error({ payloadId: payload.id, err }, 'unexpected error while sending');
      return this.toSpool(payload);
    }
  }

  /**
   * Stops: live sends in flight are aborted and go to the spool (nothing in flight is lost), the replayer ends after
   * its current request. Waits for both.
   */
  async close(): Promise<void> {
    this.closing.abort(new Error('agent is shutting down'));
    await Promise.allSettled([...this.inFlight]);
    await this.replayLoop;
    this.options.client.close();
  }

  private async toSpool(payload: Payload): Promise<DeliveryOutcome> {
    // Everything in the spool is replayed data by the time it arrives: flag it now, so the file is sent as it is.
    await this.options.spool.put(payload.id, await gzipPayload({ ...payload, replayed: true }));
    this.stats.spooled++;
    this.reportDropped();
    return 'spooled';
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
    const { spool, client, logger } = this.options;
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
      const entry = spool.oldest();
      if (!entry) {
        if (!(await wait(pauseMs * 5))) break;
        continue;
      }
      if (Date.now() < this.notBefore && !(await wait(this.notBefore - Date.now()))) break;
      const body = await spool.read(entry);
      if (!body) continue;
      try {
        await client.post(body, signal);
        this.stats.replayed++;
        await spool.remove(entry);
        backoff = minBackoff;
        if (!this.serverAvailable) logger.info({ backlog: spool.count }, 'server reachable again: replaying the spool');
        this.serverAvailable = true;
        if (!(await wait(pauseMs))) break;
      } catch (err) {
        spool.release(entry);
        if (signal.aborted) break;
        if (err instanceof RejectedPayloadError) {
          this.stats.rejected++;
          logger.error({ file: entry.name, status: err.status, serverMessage: err.serverMessage }, 'server rejected a spooled payload: dropped');
          await spool.remove(entry);
          continue;
        }
        if (err instanceof RetryableSendError) this.markUnavailable(err);
        else logger.error({ err }, 'unexpected error while replaying the spool');
        // Equal jitter (half fixed, half random): many agents recovering from one outage must not retry in step.
        if (!(await wait(backoff / 2 + Math.random() * (backoff / 2)))) break;
        backoff = Math.min(backoff * 2, maxBackoff);
      }
    }
  }
}
