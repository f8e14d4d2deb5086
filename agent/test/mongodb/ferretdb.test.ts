import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMongodbCollector } from '../../src/collectors/mongodb';
import type { EngineCollector } from '../../src/collectors/types';
import { closedPort, memoryLogger, mongoTarget } from './helpers';

/**
 * Optional: the collector against FerretDB v1 (a MongoDB-compatible server on SQLite), a second real implementation
 * of the protocol with a different set of commands. The binary is not part of the repository; build it with
 *   GOBIN=$PWD/.tools/bin go install github.com/FerretDB/FerretDB/cmd/ferretdb@v1.24.0
 * or point LOGSTAG_FERRETDB_BIN at any FerretDB v1 binary. (A `go install`ed v1 binary panics at start-up because
 * build/version/version.txt is not in the published module; the test then skips and says so.)
 */
const binary = process.env.LOGSTAG_FERRETDB_BIN ?? fileURLToPath(new URL('../../../.tools/bin/ferretdb', import.meta.url));
const CANARY = 'logstag-canary-5b1f0e';

describe('MongoDB collector against FerretDB (optional)', () => {
  let child: ChildProcess | null = null;
  let dataDir = '';
  let port = 0;
  let startError: string | null = existsSync(binary) ? null : `no FerretDB binary at ${binary} (see the comment at the top of this file)`;
  let collector: EngineCollector | null = null;

  beforeAll(async () => {
    if (startError) return;
    dataDir = mkdtempSync(join(tmpdir(), 'logstag-ferretdb-'));
    port = await closedPort();
    const proc = spawn(binary, [`--listen-addr=127.0.0.1:${port}`, '--handler=sqlite', `--sqlite-url=file:${dataDir}/`, '--telemetry=disable', '--debug-addr=-', `--state-dir=${dataDir}`], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child = proc;
    let stderr = '';
    proc.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    startError = await waitForPort(port, proc).then(
      () => null,
      (error: Error) => `FerretDB did not start: ${error.message}: ${stderr.split('\n').slice(0, 2).join(' ')}`,
    );
    if (startError) return;
    // Application data with a canary value, to show the collector never reads documents.
    const client = new MongoClient(`mongodb://127.0.0.1:${port}/?directConnection=true`);
    await client.db('shop').collection('orders').insertOne({ item: CANARY, qty: 5 });
    await client.db('shop').collection('orders').createIndex({ item: 1 });
    await client.close();
    collector = createMongodbCollector(mongoTarget('127.0.0.1', port), memoryLogger());
  });

  afterAll(async () => {
    await collector?.close();
    child?.kill('SIGINT');
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('check() passes on a server without access control and reports its version', async (ctx) => {
    if (startError || !collector) return ctx.skip(startError ?? 'not started');
    const results = await collector.check();
    expect(results.find((r) => r.check === 'reachable')).toMatchObject({ ok: true });
    expect(results.find((r) => r.check === 'version')?.detail).toMatch(/^MongoDB \d+\.\d+/);
  });

  it('every category completes; commands FerretDB lacks become optional errors; no document value is sent', async (ctx) => {
    if (startError || !collector) return ctx.skip(startError ?? 'not started');
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
