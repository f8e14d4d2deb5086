import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { gunzipSync } from 'node:zlib';
import { heartbeatPayloadSchema, payloadSchema } from '@logstag/schema/core';
import { afterEach, describe, expect, it } from 'vitest';
import { startIngestServer } from '../../test/ingest-test-server';
import { collectorFactories } from '../collectors/index';
import { parseConfig } from '../config/load';
import { createLogger } from '../log/logger';
import { startAgent, type RunningAgent } from './agent';

const redisUrl = new URL(process.env.LOGSTAG_TEST_REDIS_URL ?? 'redis://127.0.0.1:56379');
const logs: string[] = [];
const logger = createLogger({
  level: 'debug',
  secrets: ['agent-test-key'],
  destination: new Writable({ write: (chunk: Buffer, _e, done) => void (logs.push(chunk.toString()), done()) }),
});

let agent: RunningAgent | undefined;
afterEach(async () => {
  await agent?.stop();
  agent = undefined;
});

function config(serverUrl: string, spoolDir: string) {
  return parseConfig(
    `server: { url: ${serverUrl}, api_key: agent-test-key }
agent_id: runner-test
spool: { dir: ${spoolDir} }
targets:
  - name: cache
    engine: redis
    host: ${redisUrl.hostname}
    port: ${redisUrl.port}
    intervals: { runtime: 1, workload: 1, operational: 3600, schema: 3600 }
  - name: dead
    engine: redis
    host: 127.0.0.1
    port: 1
    intervals: { runtime: 1, workload: 3600, operational: 3600, schema: 3600 }
`,
    'runner.yaml',
    {},
  );
}

describe('the running agent (real Redis, real HTTP server)', () => {
  it('sends a baseline, then deltas, a heartbeat, and error payloads for a dead target, without the dead target delaying the live one', async () => {
    const server = await startIngestServer();
    try {
      agent = await startAgent(config(server.url, mkdtempSync(join(tmpdir(), 'logstag-run-'))), collectorFactories, logger, { heartbeatIntervalMs: 500 });
      // Polls rather than sleeping a fixed time: on a loaded machine the first ticks may come a little late.
      const seen = (target: string, category: string) => server.payloads.filter((p) => p.targetId === target && p.category === category).length;
      for (let i = 0; i < 100; i++) {
        if (seen('cache', 'workload') >= 3 && seen('cache', 'runtime') >= 2 && seen('dead', 'runtime') >= 1 && server.payloads.some((p) => p.kind === 'heartbeat')) break;
        await sleep(100);
      }
      await agent.stop();
      const payloads = server.payloads.map((p) => payloadSchema.parse(p));
      for (const r of server.requests) expect(r.headers.authorization).toBe('Bearer agent-test-key');

      // On a loaded machine a 1-second collection can miss its 0.9 s deadline; such a payload carries the error and
      // no data, and the delta chain continues from the last successful one.
      const workload = payloads.filter((p) => p.kind === 'collection' && p.targetId === 'cache' && p.category === 'workload' && p.errors.length === 0);
      expect(workload.length).toBeGreaterThanOrEqual(2);
      const [first, second] = workload as Array<{ data: Record<string, unknown> }>;
      expect(first!.data._delta).toMatchObject({ baseline: true });
      expect(second!.data._delta).toMatchObject({ baseline: false, since: expect.any(String) });

      const dead = payloads.filter((p) => p.kind === 'collection' && p.targetId === 'dead');
      expect(dead.length).toBeGreaterThanOrEqual(1);
      expect(dead[0]).toMatchObject({ data: {}, errors: [{ code: expect.stringMatching(/collection_failed|deadline_exceeded/) }] });
      const cacheRuntime = payloads.filter((p) => p.kind === 'collection' && p.targetId === 'cache' && p.category === 'runtime');
      expect(cacheRuntime.length).toBeGreaterThanOrEqual(2);

      expect(payloads.some((p) => p.kind === 'heartbeat')).toBe(true);
      expect(logs.join('')).not.toContain('agent-test-key');
    } finally {
      await server.close();
    }
  });

  it('spools what it cannot send and leaves it on disk at stop', async () => {
    const down = await startIngestServer();
    await down.close();
    const spoolDir = mkdtempSync(join(tmpdir(), 'logstag-run-'));
    agent = await startAgent(config(down.url, spoolDir), collectorFactories, logger, { heartbeatIntervalMs: 500 });
    await sleep(2_000);
    await agent.stop();
    const files = readdirSync(spoolDir);
    expect(files.length).toBeGreaterThanOrEqual(3);
    expect(files.every((f) => f.endsWith('.json.gz'))).toBe(true);
    expect(agent.sender.stats.sent).toBe(0);
  });

  it('reports the spool backlog in heartbeats, which arrive replayed once the server answers again', async () => {
    const down = await startIngestServer();
    await down.close();
    const spoolDir = mkdtempSync(join(tmpdir(), 'logstag-run-'));
    agent = await startAgent(config(down.url, spoolDir), collectorFactories, logger, { heartbeatIntervalMs: 500 });
    // The first payloads retry for a few seconds before the sender declares the server down and spools; heartbeats
    // taken after that see a backlog.
    for (let i = 0; i < 150 && readdirSync(spoolDir).length === 0; i++) await sleep(100);
    await sleep(1_500);
    await agent.stop();
    agent = undefined;
    const spooledHeartbeats = readdirSync(spoolDir)
      .map((f) => JSON.parse(gunzipSync(readFileSync(join(spoolDir, f))).toString()) as { kind: string })
      .filter((p) => p.kind === 'heartbeat').length;
    expect(spooledHeartbeats).toBeGreaterThanOrEqual(2);

    const server = await startIngestServer();
    try {
      agent = await startAgent(config(server.url, spoolDir), collectorFactories, logger, { heartbeatIntervalMs: 500 });
      const heartbeats = () => server.payloads.filter((p) => p.kind === 'heartbeat').map((p) => heartbeatPayloadSchema.parse(p));
      const done = () => heartbeats().filter((h) => h.replayed).length >= spooledHeartbeats && heartbeats().some((h) => !h.replayed);
      for (let i = 0; i < 200 && !done(); i++) await sleep(100);
      await agent.stop();
      // Written while the server was down: each saw the payloads spooled before it (at least its predecessor's).
      const replayed = heartbeats().filter((h) => h.replayed);
      expect(replayed).toHaveLength(spooledHeartbeats);
      expect(Math.max(...replayed.map((h) => h.spool?.backlogPayloads ?? 0))).toBeGreaterThan(0);
      expect(Math.max(...replayed.map((h) => h.spool?.backlogBytes ?? 0))).toBeGreaterThan(0);
      // Live heartbeats of the second run report the backlog as it drains (the first run's files were on disk at start).
      const live = heartbeats().filter((h) => !h.replayed);
      expect(live.length).toBeGreaterThanOrEqual(1);
      expect(live[0]!.spool).toMatchObject({ backlogPayloads: expect.any(Number), droppedSinceLast: 0 });
    } finally {
      await server.close();
    }
  });
});
