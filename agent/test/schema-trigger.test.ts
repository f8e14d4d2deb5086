// Issue 14: the full schema collection runs every 4 hours, so a table created in between was missing for hours. The
// 10-minute operational collection carries a schema fingerprint; when it changes the runner collects the schema at
// once. Here on a real PostgreSQL with the operational interval shortened to 1 s and the schema's left at an hour.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectorFactories } from '../src/collectors/index';
import { parseConfig } from '../src/config/load';
import { createLogger } from '../src/log/logger';
import { startAgent, type RunningAgent } from '../src/runner/agent';
import { SchemaChangeTrigger } from '../src/runner/schema-trigger';
import { startIngestServer } from './ingest-test-server';
import { createPgFixture, type PgFixture } from './postgresql-fixture';

const quiet = createLogger({ level: 'silent' });

describe('the schema fingerprint', () => {
  let fx: PgFixture;
  let agent: RunningAgent | undefined;
  let server: Awaited<ReturnType<typeof startIngestServer>>;

  beforeAll(async () => {
    fx = await createPgFixture();
    server = await startIngestServer();
  });
  afterAll(async () => {
    await agent?.stop();
    await server?.close();
    await fx?.cleanup();
  });

  it('starts a schema collection as soon as a table is created, not at the next 4-hourly run', async () => {
    const t = fx.target();
    const config = parseConfig(
      `server: { url: ${server.url}, api_key: agent-test-key }
agent_id: schema-trigger-test
spool: { dir: ${mkdtempSync(join(tmpdir(), 'logstag-trigger-'))} }
targets:
  - name: ${t.name}
    engine: postgresql
    host: ${t.host}
    port: ${t.port}
    user: ${t.user}
    password: ${t.password}
    database: ${t.database}
    databases: { include: [${t.database}] }
    intervals: { runtime: 3600, workload: 3600, operational: 1, schema: 3600 }
`,
      'trigger.yaml',
      {},
    );
    agent = await startAgent(config, collectorFactories, quiet, { maxInitialDelayMs: 200, heartbeatIntervalMs: 3_600_000 });
    const schemaPayloads = () => server.payloads.filter((p) => p.targetId === t.name && p.category === 'schema');
    const operational = () => server.payloads.filter((p) => p.targetId === t.name && p.category === 'operational');
    for (let i = 0; i < 200 && (schemaPayloads().length < 1 || operational().length < 2); i++) await sleep(100);
    expect(schemaPayloads()).toHaveLength(1);
    const fingerprint = (operational().at(-1)!.data as Record<string, unknown>).schema_fingerprint as Array<Record<string, unknown>>;
    expect(fingerprint).toEqual([expect.objectContaining({ datname: t.database, relations: expect.any(Number), digest: expect.any(String) })]);

    // Unchanged schema: more operational collections, no second schema collection.
    const seen = operational().length;
    for (let i = 0; i < 100 && operational().length < seen + 2; i++) await sleep(100);
    expect(schemaPayloads()).toHaveLength(1);

    const admin = await fx.admin();
    await admin.query('CREATE TABLE appeared_later (id bigint PRIMARY KEY, note text)');
    for (let i = 0; i < 150 && schemaPayloads().length < 2; i++) await sleep(100);
    const tables = (schemaPayloads()[1]?.data as { tables?: Array<{ name: string }> } | undefined)?.tables ?? [];
    expect(tables.map((x) => x.name)).toContain('appeared_later');

    // A new index changes it too.
    await admin.query('CREATE INDEX appeared_later_note ON appeared_later (note)');
    for (let i = 0; i < 150 && schemaPayloads().length < 3; i++) await sleep(100);
    const indexes = (schemaPayloads()[2]?.data as { indexes?: Array<{ name: string }> } | undefined)?.indexes ?? [];
    expect(indexes.map((x) => x.name)).toContain('appeared_later_note');
  }, 60_000);

  it('takes the first fingerprint as the baseline and calls only a different one a change', () => {
    const trigger = new SchemaChangeTrigger();
    const op = (digest: string) =>
      ({ kind: 'collection', category: 'operational', targetId: 'pg', data: { schema_fingerprint: [{ datname: 'app', relations: 3, digest }] } }) as never;
    expect(trigger.changed(op('1'))).toBe(false);
    trigger.remember(op('1'));
    expect(trigger.changed(op('1'))).toBe(false);
    expect(trigger.changed(op('2'))).toBe(true);
    expect(trigger.changed({ kind: 'collection', category: 'operational', targetId: 'pg', data: {} } as never)).toBe(false);
  });
});
