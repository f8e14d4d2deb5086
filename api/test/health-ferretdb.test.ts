// Issue 17 proof, MongoDB on a second real implementation: FerretDB v1 (the MongoDB wire protocol over PostgreSQL),
// backed by a database of the test PostgreSQL. The real MongoDB collector (the same code as for a real mongod) collects
// from it, its payloads are committed as ingest does and stored by the real storePayloads activity, and the real
// runHealthReport activity reports: rules whose data FerretDB provides pass or fail on it, rules whose commands
// FerretDB lacks are skipped with the reason (never pass), and conditions induced on it are found.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { connect } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MongoClient } from 'mongodb';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureFerretdb, unusedPort } from '@logstag/agent/testing';
import { openStore, putHealthRuleSetting, type Store } from '@logstag/store';
import { createTestDatabase, type TestDatabase } from '@logstag/store/testing';
import { HealthHarness, tag, targetSpec } from './health-harness';

const PG_ADMIN = process.env.LOGSTAG_TEST_PG_URL ?? 'postgres://postgres:logstag-test@127.0.0.1:55432/postgres';
const toolsDir = process.env.LOGSTAG_TOOLS_DIR ?? fileURLToPath(new URL('../../.tools', import.meta.url));

async function admin(statement: string): Promise<void> {
  const c = new pg.Client({ connectionString: PG_ADMIN });
  await c.connect();
  try {
    await c.query(statement);
  } finally {
    await c.end();
  }
}

async function waitForPort(port: number, proc: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`FerretDB exited with code ${proc.exitCode}: ${stderr().slice(0, 400)}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`FerretDB did not listen within 20 s: ${stderr().slice(0, 400)}`);
}

describe('MongoDB rules on FerretDB (backed by the test PostgreSQL)', () => {
  const database = `lt_ferret_${tag()}`;
  let tdb: TestDatabase;
  let store: Store;
  let h: HealthHarness;
  let child: ChildProcess | null = null;
  let stateDir = '';
  let port = 0;
  let url = '';

  beforeAll(async () => {
    const binary = process.env.LOGSTAG_FERRETDB_BIN ?? ensureFerretdb(toolsDir, (msg) => process.stdout.write(`${msg}\n`));
    await admin(`CREATE DATABASE ${database}`);
    const backend = new URL(PG_ADMIN);
    backend.pathname = `/${database}`;
    stateDir = mkdtempSync(join(tmpdir(), 'logstag-ferretdb-health-'));
    port = await unusedPort();
    let stderr = '';
    child = spawn(binary, [`--listen-addr=127.0.0.1:${port}`, '--handler=postgresql', `--postgresql-url=${backend.toString()}`, '--telemetry=disable', '--debug-addr=-', `--state-dir=${stateDir}`], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    await waitForPort(port, child, () => stderr);
    url = `mongodb://127.0.0.1:${port}/?directConnection=true`;

    tdb = await createTestDatabase('logstag_health_ferret');
    store = await openStore({ databaseUrl: tdb.url, poolSize: 4 });
    h = new HealthHarness(store, 'org-health-ferret');
  }, 120_000);

  afterAll(async () => {
    await h?.close();
    await store?.close();
    await tdb?.drop();
    if (child && child.exitCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGINT');
      await exited;
    }
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
    await admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => undefined);
  });

  it('fails and passes on what FerretDB provides, skips with the reason what it lacks, finds the induced index and its fix', async () => {
    // Induced: a left-prefix index (qty_desc is covered by qty_item) on a collection with data, on a server without
    // access control. The unused-index rule waits for 14 days of statistics by default: 0 here, so it runs.
    const client = new MongoClient(url);
    try {
      const orders = client.db('shop').collection('orders');
      await orders.insertMany([{ item: 'a', qty: 1 }, { item: 'b', qty: 2 }]);
      await orders.createIndex({ qty: -1, item: 1 }, { name: 'qty_item' });
      await orders.createIndex({ qty: -1 }, { name: 'qty_desc' });
    } finally {
      await client.close();
    }
    await putHealthRuleSetting(store.db, h.organizationId, 'mongodb.schema.unused-index', { enabled: true, thresholds: { minStatsDays: 0 } }, 'test');

    const spec = targetSpec({ name: 'ferretdb', engine: 'mongodb', host: '127.0.0.1', port });
    await h.collect(spec, ['runtime', 'workload', 'operational', 'schema']);
    const report = await h.report('ferretdb');
    const byStatus = (status: string) => report.results.filter((r) => r.status === status && r.ruleId.startsWith('mongodb.')).map((r) => r.ruleId).sort();

    // Every MongoDB rule is in the report, none threw; each skipped one says why, in words.
    expect(report.results.filter((r) => r.ruleId.startsWith('mongodb.')).length).toBeGreaterThanOrEqual(32);
    for (const r of report.results.filter((x) => x.status === 'skipped')) expect(r.reason, r.ruleId).toMatch(/\w{3,}/);

    // Found on FerretDB: the left-prefix index (the collector's duplicate detection and the key-prefix rule). What
    // FerretDB v1.24 reports gives these findings and a pass of the version rule (buildInfo: MongoDB 7.0), nothing more.
    expect(report.findings('mongodb.schema.duplicate-index')).toEqual(['shop.orders.qty_desc']);
    expect(report.findings('mongodb.schema.redundant-index')).toEqual(['shop.orders.qty_desc']);
    expect(byStatus('fail')).toEqual(['mongodb.schema.duplicate-index', 'mongodb.schema.redundant-index']);
    expect(byStatus('pass')).toEqual(['mongodb.config.version-eol']);

    // Everything else is skipped with the reason FerretDB gave or the data it lacks, never passed.
    const reason = (id: string) => report.result(id)?.reason ?? '';
    // $indexStats is not implemented: unused indexes cannot be told (even with the statistics-age wait at 0).
    expect(reason('mongodb.schema.unused-index')).toMatch(/collector indexStats failed on this target: .*\$indexStats.*not implemented/);
    // No usersInfo command.
    for (const id of ['mongodb.security.root-users', 'mongodb.security.any-database-roles', 'mongodb.security.sha1-only']) expect(reason(id), id).toContain("no such command: 'usersInfo'");
    // getCmdLineOpts answers `parsed: {}`: the configuration rules cannot tell, authorization included.
    for (const id of ['mongodb.security.authorization-disabled', 'mongodb.security.bind-all', 'mongodb.security.tls-disabled', 'mongodb.config.profiler-all']) {
      expect(reason(id), id).toContain('reported no parsed command-line options');
    }
    // serverStatus without connections, WiredTiger, tickets, locks or asserts; no oplog; currentOp not supported.
    for (const id of ['mongodb.performance.connections', 'mongodb.performance.cache-pressure', 'mongodb.performance.tickets', 'mongodb.maintenance.oplog-window', 'mongodb.maintenance.asserts']) {
      expect(reason(id), id).toMatch(/^no .* series stored for this target$/);
    }
    expect(reason('mongodb.performance.long-operations')).toMatch(/^collector currentOp failed on this target: /);
    // The replica set rules read the members only: FerretDB is no replica set member, which they say (the refused
    // currentOp is not their reason).
    for (const id of ['mongodb.performance.no-primary', 'mongodb.performance.unhealthy-members', 'mongodb.performance.replica-lag', 'mongodb.performance.few-members']) {
      expect(reason(id), id).toBe('not a replica set member (no members reported)');
    }

    // Fixed: the covered index dropped, the next report says so.
    const again = new MongoClient(url);
    try {
      await again.db('shop').collection('orders').dropIndex('qty_desc');
    } finally {
      await again.close();
    }
    await h.collect(spec, ['schema']);
    const fixed = await h.report('ferretdb');
    expect(fixed.state('mongodb.schema.duplicate-index', 'shop.orders.qty_desc')).toBe('fixed');
    expect(fixed.state('mongodb.schema.redundant-index', 'shop.orders.qty_desc')).toBe('fixed');
    expect(fixed.result('mongodb.schema.duplicate-index')?.status).toBe('pass');
    expect(fixed.result('mongodb.schema.redundant-index')?.status).toBe('pass');
  }, 90_000);
});
