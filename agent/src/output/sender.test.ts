import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { startIngestServer } from '../../test/ingest-test-server';
import { buildCollectionPayload } from './envelope';
import { IngestClient } from './ingest-client';
import { Sender, type SenderLogger, type SenderOptions } from './sender';
import { Spool } from './spool';

const API_KEY = 'test-key-abcdef';
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function payload(n = 1) {
  return buildCollectionPayload({
    agentId: 'agent-1',
    targetId: 'pg-main',
    engine: 'postgresql',
    category: 'runtime',
    collectedAt: new Date(),
    data: { sessions: [{ n }] },
    errors: [],
  });
}

function memoryLogger(): SenderLogger & { lines: Array<{ level: string; obj: object; msg?: string }> } {
  const lines: Array<{ level: string; obj: object; msg?: string }> = [];
  const log = (level: string) => (obj: object, msg?: string) => void lines.push({ level, obj, msg });
  return { lines, info: log('info'), warn: log('warn'), error: log('error') };
}

async function setup(url: string, opts: { dir?: string; maxBytes?: number; sender?: Partial<SenderOptions> } = {}) {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'logstag-spool-'));
  const spool = await Spool.open({ dir, maxBytes: opts.maxBytes ?? 10_000_000, maxAgeMs: 3_600_000 });
  const logger = memoryLogger();
  const sender = new Sender({
    client: new IngestClient({ serverUrl: url, apiKey: API_KEY, requestTimeoutMs: 2000 }),
    spool,
    logger,
    retries: 3,
    minRetryMs: 10,
    maxRetryMs: 50,
    replayPerSecond: 50,
    replayMinBackoffMs: 20,
    replayMaxBackoffMs: 100,
    ...opts.sender,
  });
  cleanups.push(() => sender.close());
  return { dir, spool, sender, logger };
}

async function closedPortUrl(): Promise<string> {
  const server = await startIngestServer();
  await server.close();
  return server.url;
}

describe('Sender against a real HTTP server', () => {
  it('posts one gzip payload with the API key, and retries a 503 until the server answers 202', async () => {
    const server = await startIngestServer([{ status: 503, body: { error: { code: 'unavailable', message: 'starting' } } }]);
    cleanups.push(server.close);
    const { sender } = await setup(server.url);
    const p = payload();
    expect(await sender.deliver(p)).toBe('sent');
    expect(server.requests).toHaveLength(2);
    const req = server.requests[1]!;
    expect(req.method).toBe('POST');
    expect(req.url).toBe('/v1/ingest');
    expect(req.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers['content-encoding']).toBe('gzip');
    expect(req.body).toMatchObject({ id: p.id, kind: 'collection', replayed: false, data: { sessions: [{ n: 1 }] } });
  });

  it('waits for Retry-After on a 429 before trying again', async () => {
    const server = await startIngestServer([{ status: 429, headers: { 'retry-after': '1' }, body: { error: { code: 'rate_limited', message: 'slow down' } } }]);
    cleanups.push(server.close);
    const { sender } = await setup(server.url);
    expect(await sender.deliver(payload())).toBe('sent');
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]!.at - server.requests[0]!.at).toBeGreaterThanOrEqual(950);
  });

  it('drops a payload the server rejects with 400 after one attempt, logging the server message', async () => {
    const server = await startIngestServer([{ status: 400, body: { error: { code: 'validation_failed', message: 'data: too big' } } }]);
    cleanups.push(server.close);
    const { sender, spool, logger } = await setup(server.url);
    expect(await sender.deliver(payload())).toBe('dropped');
    await sleep(100);
    expect(server.requests).toHaveLength(1);
    expect(spool.count).toBe(0);
    expect(logger.lines).toContainEqual(expect.objectContaining({ level: 'error', obj: expect.objectContaining({ status: 400, serverMessage: 'validation_failed: data: too big' }) }));
  });

  it('spools a payload when the server is unreachable, flagged as replayed', async () => {
    // Retries 400 ms apart: three of them take over a second, far more than spooling takes on a loaded machine.
    const { sender, spool, dir } = await setup(await closedPortUrl(), { sender: { minRetryMs: 400, maxRetryMs: 400 } });
    expect(await sender.deliver(payload())).toBe('spooled');
    expect(spool.count).toBe(1);
    expect(readdirSync(dir)).toHaveLength(1);
    // Known down: the next payload goes straight to the spool without retrying.
    const started = performance.now();
    expect(await sender.deliver(payload())).toBe('spooled');
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('logs and drops a payload it cannot spool (the directory vanished) instead of crashing', async () => {
    const { sender, dir, logger } = await setup(await closedPortUrl());
    const { rmSync } = await import('node:fs');
    rmSync(dir, { recursive: true, force: true });
    sender.submit(payload());
    await sender.close();
    expect(logger.lines).toContainEqual(expect.objectContaining({ level: 'error', msg: 'cannot spool the payload: dropped' }));
  });

  it('spools a live payload in flight at shutdown instead of losing it', async () => {
    const server = await startIngestServer([{ status: 202, delayMs: 5_000 }]);
    cleanups.push(server.close);
    // No linger: the payload is on the wire, not waiting for a batch, when the agent stops.
    const { sender, spool } = await setup(server.url, { sender: { batchLingerMs: 0 } });
    sender.submit(payload());
    await sleep(100);
    expect(server.requests).toHaveLength(1);
    await sender.close();
    expect(spool.count).toBe(1);
  });
});

describe('batches', () => {
  const waitFor = async (done: () => boolean, what: string) => {
    for (let i = 0; i < 100 && !done(); i++) await sleep(50);
    if (!done()) throw new Error(`timed out waiting for ${what}`);
  };

  it('sends the payloads submitted within the linger in one gzip NDJSON request, in order, each counted sent', async () => {
    const server = await startIngestServer();
    cleanups.push(server.close);
    const { sender } = await setup(server.url, { sender: { batchLingerMs: 300 } });
    const payloads = [payload(1), payload(2), payload(3)];
    for (const p of payloads) sender.submit(p);
    await sleep(100);
    expect(server.requests).toHaveLength(0);
    await waitFor(() => sender.stats.sent === 3, 'the batch');
    expect(server.requests).toHaveLength(1);
    const [req] = server.requests;
    expect(req!.batch).toBe(true);
    expect(req!.headers['content-type']).toBe('application/x-ndjson');
    expect(req!.headers['content-encoding']).toBe('gzip');
    expect(req!.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(req!.payloads.map((p) => p.id)).toEqual(payloads.map((p) => p.id));
    expect(req!.payloads.every((p) => p.replayed === false)).toBe(true);
  });

  it('sends a batch as soon as it is full, without waiting for its linger', async () => {
    const server = await startIngestServer();
    cleanups.push(server.close);
    const { sender } = await setup(server.url, { sender: { batchLingerMs: 60_000, maxBatchPayloads: 2 } });
    sender.submit(payload(1));
    sender.submit(payload(2));
    sender.submit(payload(3));
    await waitFor(() => sender.stats.sent === 2, 'the full batch');
    expect(server.requests.map((r) => r.payloads.length)).toEqual([2]);
  });

  it('drops only the lines the server rejects and counts the others sent', async () => {
    const p = [payload(1), payload(2), payload(3)];
    const server = await startIngestServer([
      {
        status: 202,
        body: {
          results: [
            { line: 1, id: p[0]!.id, status: 'accepted' },
            { line: 2, id: p[1]!.id, status: 'rejected', error: { code: 'validation_failed', message: 'the payload does not match the schema' } },
            { line: 3, id: p[2]!.id, status: 'duplicate' },
          ],
        },
      },
    ]);
    cleanups.push(server.close);
    const { sender, spool, logger } = await setup(server.url, { sender: { batchLingerMs: 50 } });
    for (const x of p) sender.submit(x);
    await waitFor(() => sender.stats.sent + sender.stats.rejected === 3, 'the verdicts');
    expect(sender.stats).toMatchObject({ sent: 2, rejected: 1, spooled: 0 });
    expect(spool.count).toBe(0);
    expect(logger.lines).toContainEqual(
      expect.objectContaining({ level: 'error', msg: 'server rejected the payload: dropped', obj: expect.objectContaining({ payloadId: p[1]!.id }) }),
    );
  });

  it('spools the whole batch, flagged replayed, when the server stays unavailable, and replays it once it answers', async () => {
    const unavailable = { status: 503, body: { error: { code: 'unavailable', message: 'down' } } };
    const server = await startIngestServer([unavailable, unavailable, unavailable, unavailable]);
    cleanups.push(server.close);
    const { sender } = await setup(server.url, { sender: { batchLingerMs: 50 } });
    // The first payload takes far longer to compress than the second: the spool must still keep their order.
    const first = buildCollectionPayload({
      agentId: 'agent-1', targetId: 'pg-main', engine: 'postgresql', category: 'schema', collectedAt: new Date(),
      data: { tables: Array.from({ length: 4000 }, (_, i) => ({ name: `t${i}_${randomBytes(48).toString('hex')}` })) },
      errors: [],
    });
    const p = [first, payload(2)];
    for (const x of p) sender.submit(x);
    await waitFor(() => sender.stats.spooled === 2, 'the spool');
    expect(sender.stats.sent).toBe(0);
    sender.start();
    await waitFor(() => sender.stats.replayed === 2, 'the replay');
    const replayed = server.requests.slice(4).flatMap((r) => r.payloads);
    expect(replayed.map((x) => x.id)).toEqual(p.map((x) => x.id));
    expect(replayed.every((x) => x.replayed === true)).toBe(true);
  });

  it('sends one payload per request, from then on, to a server that takes no batches (415)', async () => {
    const server = await startIngestServer([{ status: 415, body: { error: { code: 'unsupported_media_type', message: 'send Content-Type: application/json' } } }]);
    cleanups.push(server.close);
    const { sender, logger } = await setup(server.url, { sender: { batchLingerMs: 50 } });
    const p = [payload(1), payload(2), payload(3)];
    sender.submit(p[0]!);
    sender.submit(p[1]!);
    await waitFor(() => sender.stats.sent === 2, 'the single sends');
    sender.submit(p[2]!);
    await waitFor(() => sender.stats.sent === 3, 'the next payload');
    // The refused batch, then each of its payloads alone, then the next payload alone at once.
    expect(server.requests.map((r) => r.batch)).toEqual([true, false, false, false]);
    expect(server.requests.slice(1).map((r) => r.body.id).sort()).toEqual(p.map((x) => x.id).sort());
    expect(server.requests[3]!.body.id).toBe(p[2]!.id);
    expect(sender.stats.rejected).toBe(0);
    expect(logger.lines).toContainEqual(expect.objectContaining({ level: 'warn', msg: 'the server takes one payload per request: batching off' }));
  });

  it('spools what still waits for its batch when the agent stops', async () => {
    const server = await startIngestServer();
    cleanups.push(server.close);
    const { sender, spool } = await setup(server.url, { sender: { batchLingerMs: 60_000 } });
    sender.submit(payload(1));
    sender.submit(payload(2));
    await sender.close();
    expect(server.requests).toHaveLength(0);
    expect(spool.count).toBe(2);
  });
});

describe('spool replay', () => {
  it('re-sends what an earlier agent spooled, after a restart, in order and flagged replayed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'logstag-spool-'));
    const first = await setup(await closedPortUrl(), { dir });
    const payloads = [payload(1), payload(2), payload(3)];
    for (const p of payloads) expect(await first.sender.deliver(p)).toBe('spooled');
    await first.sender.close();

    const server = await startIngestServer();
    cleanups.push(server.close);
    const second = await setup(server.url, { dir });
    expect(second.spool.count).toBe(3);
    second.sender.start();
    for (let i = 0; i < 100 && second.spool.count > 0; i++) await sleep(20);
    // One batch holds the whole backlog here (25 a request by default).
    expect(server.requests.map((r) => r.batch)).toEqual([true]);
    expect(server.payloads.map((p) => p.id)).toEqual(payloads.map((p) => p.id));
    expect(server.payloads.every((p) => p.replayed === true)).toBe(true);
    expect(second.sender.stats.replayed).toBe(3);
    expect(second.spool.count).toBe(0);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('keeps replaying after a 503, and paces itself', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'logstag-spool-'));
    const first = await setup(await closedPortUrl(), { dir });
    for (let i = 0; i < 3; i++) await first.sender.deliver(payload(i));
    await first.sender.close();
    const server = await startIngestServer([{ status: 503 }]);
    cleanups.push(server.close);
    const second = await setup(server.url, { dir, sender: { replayBatchPayloads: 1 } });
    second.sender.start();
    for (let i = 0; i < 100 && second.spool.count > 0; i++) await sleep(20);
    expect(server.requests).toHaveLength(4);
    expect(second.sender.stats.replayed).toBe(3);
    // 50 per second: at least ~20 ms between two successful replays.
    expect(server.requests[3]!.at - server.requests[2]!.at).toBeGreaterThanOrEqual(15);
  });

  it('replays a backlog in batches, in order, paced per request, dropping only the lines the server rejects', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'logstag-spool-'));
    const first = await setup(await closedPortUrl(), { dir });
    const payloads = [payload(1), payload(2), payload(3), payload(4), payload(5)];
    for (const p of payloads) await first.sender.deliver(p);
    await first.sender.close();
    const server = await startIngestServer([
      {
        status: 202,
        body: {
          results: [
            { line: 1, id: payloads[0]!.id, status: 'accepted' },
            { line: 2, id: payloads[1]!.id, status: 'rejected', error: { code: 'validation_failed', message: 'the payload does not match the schema' } },
          ],
        },
      },
    ]);
    cleanups.push(server.close);
    const second = await setup(server.url, { dir, sender: { replayBatchPayloads: 2 } });
    second.sender.start();
    for (let i = 0; i < 100 && second.spool.count > 0; i++) await sleep(20);
    expect(server.requests.map((r) => r.payloads.length)).toEqual([2, 2, 1]);
    expect(server.payloads.map((p) => p.id)).toEqual(payloads.map((p) => p.id));
    expect(second.sender.stats).toMatchObject({ replayed: 4, rejected: 1 });
    expect(second.spool.count).toBe(0);
    expect(second.logger.lines).toContainEqual(expect.objectContaining({ level: 'error', msg: 'server rejected a spooled payload: dropped' }));
    expect(server.requests[2]!.at - server.requests[1]!.at).toBeGreaterThanOrEqual(15);
  });
});

describe('Spool caps', () => {
  it('drops the oldest payloads beyond the byte cap and counts them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'logstag-spool-'));
    const spool = await Spool.open({ dir, maxBytes: 250, maxAgeMs: 3_600_000 });
    for (let i = 0; i < 5; i++) await spool.put(`0190a000-0000-7000-8000-00000000000${i}`, Buffer.alloc(100, i));
    expect(spool.count).toBe(2);
    expect(spool.takeDroppedCount()).toBe(3);
    expect(spool.takeDroppedCount()).toBe(0);
    const kept = readdirSync(dir).sort();
    expect(kept).toHaveLength(2);
    expect(kept[0]).toMatch(/00000000003\.json\.gz$/);
    expect(kept[1]).toMatch(/00000000004\.json\.gz$/);
  });

  it('drops payloads older than the age cap, also when reopening the directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'logstag-spool-'));
    let now = 1_000_000;
    const spool = await Spool.open({ dir, maxBytes: 1_000_000, maxAgeMs: 60_000, now: () => now });
    await spool.put('0190a000-0000-7000-8000-000000000001', Buffer.from('old'));
    now += 50_000;
    await spool.put('0190a000-0000-7000-8000-000000000002', Buffer.from('new'));
    now += 20_000;
    const reopened = await Spool.open({ dir, maxBytes: 1_000_000, maxAgeMs: 60_000, now: () => now });
    expect(reopened.count).toBe(1);
    expect(reopened.takeDroppedCount()).toBe(1);
    expect(readdirSync(dir)[0]).toMatch(/000000000002\.json\.gz$/);
  });

  it('reports the backlog and the payloads dropped since the previous report, each drop once, for the heartbeat', async () => {
    const { sender, spool } = await setup(await closedPortUrl(), { maxBytes: 1024 });
    expect(sender.takeSpoolStats()).toEqual({ backlogPayloads: 0, backlogBytes: 0, droppedSinceLast: 0 });
    for (let i = 0; i < 8; i++) await sender.deliver(payload(i));
    const first = sender.takeSpoolStats();
    expect(first.backlogPayloads).toBe(spool.count);
    expect(first.backlogPayloads).toBeGreaterThan(0);
    expect(first.backlogBytes).toBe(spool.bytes);
    expect(first.backlogBytes).toBeLessThanOrEqual(1024);
    // 8 spooled, the cap keeps only some: the rest were dropped, and the report accounts for every one.
    expect(first.droppedSinceLast).toBe(8 - first.backlogPayloads);
    expect(sender.takeSpoolStats()).toEqual({ ...first, droppedSinceLast: 0 });
    await sender.deliver(payload(9));
    const third = sender.takeSpoolStats();
    expect(third.droppedSinceLast).toBe(first.backlogPayloads + 1 - third.backlogPayloads);
  });

  it('reports payloads dropped by the cap in the log', async () => {
    const { sender, logger } = await setup(await closedPortUrl(), { maxBytes: 1024 });
    for (let i = 0; i < 8; i++) await sender.deliver(payload(i));
    expect(sender.stats.droppedBySpoolCap).toBeGreaterThan(0);
    expect(logger.lines.some((l) => l.level === 'warn' && (l.obj as { dropped?: number }).dropped !== undefined)).toBe(true);
  });
});

describe('payload size', () => {
  it('drops a payload over the compressed size limit without sending it', async () => {
    const server = await startIngestServer();
    cleanups.push(server.close);
    const { sender, spool, logger } = await setup(server.url);
    const { randomBytes } = await import('node:crypto');
    // Random hex does not compress well: ~12 MB of text stays well above 5 MB gzipped.
    const huge = buildCollectionPayload({
      agentId: 'agent-1', targetId: 'pg-main', engine: 'postgresql', category: 'schema', collectedAt: new Date(),
      data: { blob: randomBytes(6 * 1024 * 1024).toString('hex') }, errors: [],
    });
    expect(await sender.deliver(huge)).toBe('dropped');
    expect(server.requests).toHaveLength(0);
    expect(spool.count).toBe(0);
    expect(logger.lines.some((l) => l.msg?.includes('too large'))).toBe(true);
  });

  it('does not spool a payload over the limit while the server is down, where it would push out payloads that can be sent', async () => {
    const { sender, spool, logger } = await setup(await closedPortUrl());
    const { randomBytes } = await import('node:crypto');
    expect(await sender.deliver(payload(1))).toBe('spooled');
    const huge = buildCollectionPayload({
      agentId: 'agent-1', targetId: 'pg-main', engine: 'postgresql', category: 'schema', collectedAt: new Date(),
      data: { blob: randomBytes(6 * 1024 * 1024).toString('hex') }, errors: [],
    });
    // The server is known to be down now: the payload goes the spool's way, and is dropped there instead.
    expect(await sender.deliver(huge)).toBe('dropped');
    expect(spool.count).toBe(1);
    expect(sender.stats).toMatchObject({ spooled: 1, rejected: 1 });
    expect(logger.lines.some((l) => l.msg?.includes('too large'))).toBe(true);
  });
});
