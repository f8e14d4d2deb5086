// The proof that agent and server agree on the schema: the real agent (runner and CLI) collects from real PostgreSQL,
// MariaDB and Redis, and from the MongoDB wire-protocol test server, with the least-privilege users of agent/setup/,
// and sends to the real server (real store, real Temporal dev server, a real agent API key). Every payload must be
// accepted (202, none refused by the shared schema), run through the ingest workflow and be stored as sent.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectorFactories, createLogger, parseConfig, startAgent, type RunningAgent } from '@logstag/agent';
import { setupMysql, setupPostgres, setupRedis, startMongoWireServer, type MongoWireServer } from '@logstag/agent/testing';
import { CATEGORIES, heartbeatPayloadSchema } from '@logstag/schema';
import { readPayloadBody } from '@logstag/store';
import { seedOrganization, startTestContext, waitFor, type StoreBackend, type TestContext } from './context';

const bin = fileURLToPath(new URL('../../agent/bin/logstag-agent.mjs', import.meta.url));
const REDIS_DB = 9;

interface StoredPayload {
  id: string;
  kind: string;
  target_id: string | null;
  engine: string | null;
  category: string | null;
  replayed: boolean;
  status: string;
  body: { data?: Record<string, unknown>; errors?: Array<{ code?: string; collector: string; message: string }> } & Record<string, unknown>;
}

/** A port nothing listens on: the agent's view of a server that is down. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe.each<StoreBackend>(['pglite', 'postgres'])('the agent sending to the real server (%s store)', (backend) => {
  let ctx: TestContext;
  let organizationId: string;
  let agentKey: string;
  let mongo: MongoWireServer;
  const services: Array<{ cleanup(): Promise<void> }> = [];
  const env: Record<string, string> = {};
  const dir = mkdtempSync(join(tmpdir(), 'logstag-agent-e2e-'));
  let targetsYaml = '';
  const logLines: string[] = [];
  const logger = createLogger({ level: 'info', destination: new Writable({ write: (c: Buffer, _e, done) => void (logLines.push(c.toString()), done()) }) });
  let agent: RunningAgent | undefined;

  beforeAll(async () => {
    ctx = await startTestContext(backend);
    ({ organizationId, agentKey } = await seedOrganization(ctx, 'Agent e2e'));
    const [pg, my, redis] = await Promise.all([setupPostgres(1), setupMysql(1), setupRedis([REDIS_DB])]);
    services.push(pg, my, redis);
    mongo = await startMongoWireServer();
    // The API key by file: reference and passwords by env: reference, as the README tells operators to.
    writeFileSync(join(dir, 'api-key'), `${agentKey}\n`, { mode: 0o600 });
    Object.assign(env, { E2E_PG_PW: pg.password, E2E_MY_PW: my.password, E2E_REDIS_PW: redis.password });
    targetsYaml = `targets:
  - name: e2e-pg
    engine: postgresql
    host: ${pg.host}
    port: ${pg.port}
    user: ${pg.user}
    password: env:E2E_PG_PW
    database: ${pg.databases[0]}
    databases: { include: [${pg.databases[0]}] }
    tags: { env: e2e }
    intervals: %INTERVALS%
  - name: e2e-mariadb
    engine: mysql
    host: ${my.host}
    port: ${my.port}
    user: ${my.user}
    password: env:E2E_MY_PW
    databases: { include: [${my.schemas[0]}] }
    intervals: %INTERVALS%
  - name: e2e-redis
    engine: redis
    host: ${redis.host}
    port: ${redis.port}
    user: ${redis.user}
    password: env:E2E_REDIS_PW
    database: ${REDIS_DB}
    databases: { include: [db${REDIS_DB}] }
    intervals: %INTERVALS%
  - name: e2e-mongo
    engine: mongodb
    host: ${mongo.host}
    port: ${mongo.port}
    intervals: %INTERVALS%
`;
  });

  afterAll(async () => {
    await agent?.stop();
    await mongo?.close();
    await Promise.allSettled(services.map((s) => s.cleanup()));
    await ctx?.stop();
  });

  // Short intervals so two collections of every category (a baseline, then deltas) happen within the test. Four
  // targets at these rates send ~7 payloads/s, close to the server's per-key limit (600/min): a run that must also
  // replay a backlog uses the default intervals, or 429s would keep the backlog from draining.
  const FAST = '{ runtime: 2, workload: 2, operational: 3, schema: 4 }';
  const DEFAULT = '{}';

  /** A config file as an operator writes it, read by the agent's own loader. */
  function writeConfig(name: string, serverUrl: string, spoolDir: string, intervals = FAST): string {
    const path = join(dir, `${name}.yaml`);
    const yaml = `server:\n  url: ${serverUrl}\n  api_key: file:api-key\nagent_id: e2e-${name}\nspool: { dir: ${spoolDir} }\n${targetsYaml}`;
    writeFileSync(path, yaml.replaceAll('%INTERVALS%', intervals));
    return path;
  }
  const config = (name: string, serverUrl: string, spoolDir: string, intervals = FAST) => {
    const path = writeConfig(name, serverUrl, spoolDir, intervals);
    return parseConfig(readFileSync(path, 'utf8'), path, env);
  };

  // The store keeps each body as the gzip bytes the agent sent; read them back as the payload.
  const stored = async (agentId: string): Promise<StoredPayload[]> => {
    const rows = await ctx.app.store.db
      .selectFrom('payloads')
      .select(['id', 'kind', 'target_id', 'engine', 'category', 'replayed', 'status', 'body_raw', 'body_encoding'])
      .where('organization_id', '=', organizationId)
      .where('agent_id', '=', agentId)
      .execute();
    return Promise.all(
      rows.map(async ({ body_raw, body_encoding, ...row }) => ({ ...row, body: (await readPayloadBody({ body_raw, body_encoding })) as StoredPayload['body'] })),
    );
  };

  /** Why payloads stay `started`: the last failure of each running ingest workflow's pending activity. */
  async function ingestFailures(): Promise<string> {
    const failures = new Set<string>();
    for await (const wf of ctx.temporal.client.workflow.list({ query: `ExecutionStatus = 'Running'` })) {
      const described = await ctx.temporal.client.workflow.getHandle(wf.workflowId).describe();
      for (const activity of described.raw.pendingActivities ?? []) {
        const failure = activity.lastFailure;
        if (failure?.message) failures.add(`${activity.activityType?.name}: ${failure.message}\n${(failure.stackTrace ?? '').split('\n').slice(0, 6).join('\n')}`);
      }
      if (failures.size >= 5) break;
    }
    return failures.size > 0 ? `ingest activities failing:\n${[...failures].join('\n')}` : 'no failing ingest activity';
  }

  const failedCollection = (p: StoredPayload) => (p.body.errors ?? []).some((e) => e.code === 'collection_failed' || e.code === 'deadline_exceeded');
  const engines: Record<string, string> = { 'e2e-pg': 'postgresql', 'e2e-mariadb': 'mysql', 'e2e-redis': 'redis', 'e2e-mongo': 'mongodb' };

  it('stores every category of every engine twice (baseline, then deltas) and a heartbeat, none refused', async () => {
    agent = await startAgent(config('run', ctx.url, join(dir, 'spool-run')), collectorFactories, logger, { heartbeatIntervalMs: 1_000 });
    const complete = (rows: StoredPayload[]) =>
      Object.keys(engines).every((target) =>
        CATEGORIES.every((category) => rows.filter((r) => r.target_id === target && r.category === category && r.status === 'stored' && !failedCollection(r)).length >= 2),
      ) && rows.some((r) => r.kind === 'heartbeat' && r.status === 'stored');
    let last: StoredPayload[] = [];
    const rows = await waitFor(async () => {
      last = await stored('e2e-run');
      return complete(last) ? last : undefined;
    }, 90_000, 'two successful collections of every target and category, stored').catch(async (err: Error) => {
      // What arrived, per target/category (ok/failed/not yet stored), and the agent's warnings: enough to tell a
      // refused payload from a slow collection.
      const summary = new Map<string, string>();
      for (const r of last) {
        const key = `${r.kind} ${r.target_id ?? ''}/${r.category ?? ''}`;
        summary.set(key, `${summary.get(key) ?? ''} ${r.status}${failedCollection(r) ? `:${r.body.errors?.map((e) => e.code).join('+')}` : ''}`);
      }
      const warnings = logLines.filter((l) => /"level":(40|50)/.test(l)).slice(0, 15);
      throw new Error(`${err.message}\n${await ingestFailures()}\n${[...summary].map(([k, v]) => `${k}:${v}`).sort().join('\n')}\n${warnings.join('')}`);
    });
    await agent.stop();
    const { stats } = agent.sender;
    agent = undefined;

    // Not one payload refused by the server (400 from the shared schema, 413, …).
    expect(stats.rejected).toBe(0);
    expect(logLines.join('')).not.toMatch(/server rejected/);
    for (const row of rows) {
      if (row.kind !== 'collection') continue;
      // Stored under the envelope's target, with the engine of that target and the category it was collected for.
      expect(row.engine).toBe(engines[row.target_id!]);
      expect(CATEGORIES).toContain(row.category);
      expect(row.body).toMatchObject({ targetId: row.target_id, engine: row.engine, category: row.category, replayed: false });
    }
    // Counters arrive as deltas from the second collection on, for every engine.
    for (const target of Object.keys(engines)) {
      const deltas = rows.filter((r) => r.target_id === target && (r.body.data?._delta as { baseline?: boolean } | undefined)?.baseline === false);
      expect(deltas.length, `deltas from ${target}`).toBeGreaterThan(0);
    }
    const heartbeat = heartbeatPayloadSchema.parse(rows.find((r) => r.kind === 'heartbeat')!.body);
    expect(heartbeat.targets.map((t) => `${t.targetId}:${t.engine}`).sort()).toEqual(Object.entries(engines).map(([t, e]) => `${t}:${e}`).sort());
    expect(heartbeat.spool).toEqual({ backlogPayloads: expect.any(Number), backlogBytes: expect.any(Number), droppedSinceLast: 0 });
    expect(heartbeat.host.agentVersion).toMatch(/^\d+\.\d+\.\d+/);
  }, 180_000);

  it('replays what it spooled while the server was down, stored with replayed = true', async () => {
    const spoolDir = join(dir, 'spool-outage');
    agent = await startAgent(config('outage', `http://127.0.0.1:${await closedPort()}`, spoolDir), collectorFactories, logger, { heartbeatIntervalMs: 1_000 });
    // The sender retries the first payloads for a few seconds before declaring the server down and spooling.
    await waitFor(async () => readdirSync(spoolDir).length >= 8, 60_000, 'payloads in the spool');
    await agent.stop();
    agent = undefined;
    const spooledIds = readdirSync(spoolDir).map((f) => /([0-9a-f-]{36})\.json\.gz$/.exec(f)?.[1]).filter((id) => id !== undefined);
    expect(spooledIds.length).toBeGreaterThanOrEqual(8);

    // The same agent (same spool directory), now pointed at the server: the backlog is re-sent.
    agent = await startAgent(config('outage', ctx.url, spoolDir, DEFAULT), collectorFactories, logger, { heartbeatIntervalMs: 1_000 });
    const rows = await waitFor(async () => {
      const r = await stored('e2e-outage');
      const byId = new Map(r.map((row) => [row.id, row]));
      // The backlog goes in a batch or two, so it can be stored before this run's first live batch: wait for both.
      const live = r.some((row) => !spooledIds.includes(row.id) && row.status === 'stored');
      return live && spooledIds.every((id) => byId.get(id)?.status === 'stored') ? byId : undefined;
    }, 90_000, 'every spooled payload and a live one to be stored').catch(async (err: Error) => {
      throw new Error(`${err.message}\n${await ingestFailures()}`);
    });
    await agent.stop();
    expect(agent.sender.stats.rejected).toBe(0);
    agent = undefined;
    for (const id of spooledIds) expect(rows.get(id)).toMatchObject({ replayed: true, body: expect.objectContaining({ replayed: true }) });
    // Live data of the second run is not flagged.
    expect([...rows.values()].some((r) => !spooledIds.includes(r.id) && !r.replayed)).toBe(true);
    // Each replayed file is gone from the spool (what remains, if anything, was in flight when this run stopped).
    expect(readdirSync(spoolDir).filter((f) => spooledIds.some((id) => f.includes(id)))).toEqual([]);
  }, 240_000);

  it('collect --once (the real CLI) sends every category of every target and exits 0', async () => {
    const path = writeConfig('cli', ctx.url, join(dir, 'spool-cli'));
    const run = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [bin, 'collect', '--once', '--config', path], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.on('error', reject);
      child.on('exit', (code) => resolve({ code, stdout, stderr }));
    });
    expect(run.stdout, run.stderr).toContain(`sent 17 of 17 payloads to ${ctx.url}`);
    expect(run.code, run.stdout).toBe(0);
    const rows = await waitFor(async () => {
      const r = await stored('e2e-cli');
      return r.length === 17 && r.every((row) => row.status === 'stored') ? r : undefined;
    }, 60_000, 'the CLI payloads to be stored').catch(async (err: Error) => {
      throw new Error(`${err.message}\n${await ingestFailures()}`);
    });
    expect(rows.filter((r) => r.kind === 'collection').map((r) => `${r.target_id}/${r.category}`).sort()).toEqual(
      Object.keys(engines).flatMap((t) => CATEGORIES.map((c) => `${t}/${c}`)).sort(),
    );
    expect(rows.every((r) => !r.replayed && !failedCollection(r))).toBe(true);
  }, 180_000);
});
