import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMongodbCollector } from '../../src/collectors/mongodb';
import type { EngineCollector } from '../../src/collectors/types';
import { ensureFerretdb } from './ferretdb-binary';
import { unusedPort } from '../ports';
import { memoryLogger, mongoTarget } from './helpers';

/**
 * The collector against FerretDB v1 (a MongoDB-compatible server on SQLite), a second real implementation of the
 * protocol with a different set of commands. The binary is built from its Go module on first use into the git-ignored
 * tools folder (see ferretdb-binary.ts for why not `go install`), or LOGSTAG_FERRETDB_BIN points at a FerretDB v1.
 */
const toolsDir = process.env.LOGSTAG_TOOLS_DIR ?? fileURLToPath(new URL('../../../.tools', import.meta.url));
const CANARY = 'logstag-canary-5b1f0e';

describe('MongoDB collector against FerretDB', () => {
  let child: ChildProcess | null = null;
  let dataDir = '';
  let port = 0;
  let collector: EngineCollector | null = null;

  let binary = '';

  /** Starts FerretDB on the test's port and data folder (again after a kill: same data, same address). */
  async function startFerretdb(): Promise<void> {
    const proc = spawn(binary, [`--listen-addr=127.0.0.1:${port}`, '--handler=sqlite', `--sqlite-url=file:${dataDir}/`, '--telemetry=disable', '--debug-addr=-', `--state-dir=${dataDir}`], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child = proc;
    let stderr = '';
    proc.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    await waitForPort(port, proc).catch((error: Error) => {
      throw new Error(`FerretDB did not start: ${error.message}: ${stderr.split('\n').slice(0, 2).join(' ')}`);
    });
  }

  beforeAll(async () => {
    binary = process.env.LOGSTAG_FERRETDB_BIN ?? ensureFerretdb(toolsDir, (msg) => process.stdout.write(`${msg}\n`));
    dataDir = mkdtempSync(join(tmpdir(), 'logstag-ferretdb-'));
    port = await unusedPort();
    await startFerretdb();
    // Application data with a canary value, to show the collector never reads documents.
    const client = new MongoClient(`mongodb://127.0.0.1:${port}/?directConnection=true`);
    await client.db('shop').collection('orders').insertOne({ item: CANARY, qty: 5 });
    await client.db('shop').collection('orders').createIndex({ item: 1 });
    await client.close();
    collector = createMongodbCollector(mongoTarget('127.0.0.1', port), memoryLogger());
    // The first build downloads FerretDB's module and its dependencies: minutes on a fresh machine, instant afterwards.
  }, 900_000);

  afterAll(async () => {
    await collector?.close();
    child?.kill('SIGINT');
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('check() passes on a server without access control and reports its version', async () => {
    if (!collector) throw new Error('FerretDB collector not started');
    const results = await collector.check();
    expect(results.find((r) => r.check === 'reachable')).toMatchObject({ ok: true });
    expect(results.find((r) => r.check === 'version')?.detail).toMatch(/^MongoDB \d+\.\d+/);
  });

  it('every category completes; commands FerretDB lacks become optional errors; no document value is sent', async () => {
    if (!collector) throw new Error('FerretDB collector not started');
    const signal = new AbortController().signal;
    const payloads = [];
    for (const category of ['runtime', 'workload', 'operational', 'schema'] as const) payloads.push(await collector.collect(category, signal));
    const [runtime, , , schema] = payloads;
    expect(Object.keys(runtime?.data ?? {})).toContain('connections');
    expect(runtime?.errors.map((e) => e.collector)).toContain('connPoolStats');
    expect((schema?.data.collections as { name: string }[]).map((c) => c.name)).toContain('orders');
    expect((schema?.data.indexes as { name: string }[]).map((i) => i.name)).toEqual(expect.arrayContaining(['_id_', 'item_1']));
    expect(JSON.stringify(payloads)).not.toContain(CANARY);
  });

  it('an index created between runs appears in the next schema payload; a left prefix of another is flagged', async () => {
    if (!collector) throw new Error('FerretDB collector not started');
    const client = new MongoClient(`mongodb://127.0.0.1:${port}/?directConnection=true`);
    await client.db('shop').collection('orders').createIndex({ qty: -1, item: 1 }, { name: 'qty_item' });
    await client.db('shop').collection('orders').createIndex({ qty: -1 }, { name: 'qty_desc' });
    await client.close();
    const schema = await collector.collect('schema', new AbortController().signal);
    const indexes = schema.data.indexes as { name: string }[];
    expect(indexes.find((i) => i.name === 'qty_item')).toMatchObject({ db: 'shop', collection: 'orders', key: { qty: -1, item: 1 }, duplicateOf: [] });
    expect(indexes.find((i) => i.name === 'qty_desc')).toMatchObject({ duplicateOf: ['qty_item'] });
    expect(indexes.find((i) => i.name === 'item_1')).toMatchObject({ duplicateOf: [] });
  });

  it('a server killed mid-run fails that collection clearly; after a restart the same collector recovers', async () => {
    if (!collector || !child) throw new Error('FerretDB collector not started');
    const signal = new AbortController().signal;
    await expect(collector.collect('runtime', signal)).resolves.toMatchObject({ data: expect.objectContaining({ connections: expect.anything() }) });
    const exited = new Promise((resolve) => child?.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    await expect(collector.collect('runtime', signal)).rejects.toThrow(/^serverStatus failed: /);
    await startFerretdb();
    // The driver reconnects on its own; the next collection (the scheduler's next tick) succeeds with no new collector.
    await expect(collector.collect('runtime', signal)).resolves.toMatchObject({ data: expect.objectContaining({ connections: expect.anything() }) });
  });
});

async function waitForPort(port: number, proc: ChildProcess): Promise<void> {
  const { connect } = await import('node:net');
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`exited with code ${proc.exitCode}`);
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
  throw new Error('no listener after 15 s');
}
