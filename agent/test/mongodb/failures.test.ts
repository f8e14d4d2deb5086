import { afterEach, describe, expect, it } from 'vitest';
import { createMongodbCollector } from '../../src/collectors/mongodb';
import type { EngineCollector } from '../../src/collectors/types';
import { startMongoWireServer, type MongoWireServer } from '../mongo-wire/server';
import { unusedPort } from '../ports';
import { memoryLogger, mongoTarget } from './helpers';

const signal = new AbortController().signal;

describe('MongoDB collector when the server is missing or fails', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });
  const track = <T extends EngineCollector | MongoWireServer>(x: T): T => {
    cleanup.push(() => x.close());
    return x;
  };

  it('a refused port makes check() fail clearly and collect() reject with the reason, without crashing', async () => {
    const port = await unusedPort();
    const collector = track(createMongodbCollector(mongoTarget('127.0.0.1', port, { statementTimeoutMs: 1500 }), memoryLogger()));
    const results = await collector.check();
    expect(results).toEqual([{ check: 'reachable', ok: false, detail: expect.stringMatching(`cannot reach MongoDB at 127.0.0.1:${port}: connection refused`) }]);
    await expect(collector.collect('runtime', signal)).rejects.toThrow(/cannot connect to MongoDB target mongo-wire/);
  });

  it('an unknown host name is reported as a DNS failure', async () => {
    const collector = track(createMongodbCollector(mongoTarget('logstag-no-such-host.invalid', 27017, { statementTimeoutMs: 1500 }), memoryLogger()));
    const [reachable] = await collector.check();
    expect(reachable).toMatchObject({ check: 'reachable', ok: false });
    expect(reachable?.detail).toMatch(/host name not found \(DNS\)/);
  });

  it('a server that drops the connection mid-run fails that collection with a clear error, and the next run recovers', async () => {
    const server = track(await startMongoWireServer());
    const collector = track(createMongodbCollector(mongoTarget(server.host, server.port, { statementTimeoutMs: 1500 }), memoryLogger()));
    await expect(collector.collect('runtime', signal)).resolves.toMatchObject({ errors: [] });

    server.closeConnectionOn(['serverStatus']);
    await expect(collector.collect('runtime', signal)).rejects.toThrow(/^serverStatus failed: .*(closed|reset)/i);

    // An optional area dying mid-run is reported in the payload and the rest still arrives.
    server.closeConnectionOn(['connPoolStats']);
    const partial = await collector.collect('runtime', signal);
    expect(partial.data.connections).toMatchObject({ current: 17 });
    expect(partial.errors).toEqual([expect.objectContaining({ collector: 'connPoolStats' })]);

    server.closeConnectionOn([]);
    await expect(collector.collect('runtime', signal)).resolves.toMatchObject({ errors: [] });
  });

  it('a collection whose deadline already passed is rejected before any command', async () => {
    const server = track(await startMongoWireServer());
    const collector = track(createMongodbCollector(mongoTarget(server.host, server.port), memoryLogger()));
    const aborted = AbortSignal.abort();
    await expect(collector.collect('schema', aborted)).rejects.toThrow(/aborted/);
    expect(server.received.some((c) => c.name === 'listDatabases')).toBe(false);
  });
});

describe('MongoDB collector on other topologies', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });

  it('a standalone has no replica-set sections and is never asked for them', async () => {
    const server = await startMongoWireServer({ topology: 'standalone' });
    const collector = createMongodbCollector(mongoTarget(server.host, server.port), memoryLogger());
    cleanup.push(() => server.close(), () => collector.close());
    const runtime = await collector.collect('runtime', signal);
    const operational = await collector.collect('operational', signal);
    expect(runtime.data.replica_members).toBeUndefined();
    expect(operational.data.oplog).toBeUndefined();
    expect((operational.data.cmd_line_opts as { argv: string[] }).argv).toEqual(['mongod', '--bind_ip_all']);
    const names = server.received.map((c) => c.name);
    expect(names).not.toContain('replSetGetStatus');
    expect(names).not.toContain('replSetGetConfig');
    expect(names.filter((n) => n === 'find')).toEqual([]);
  });

  it('a mongos reports shard operations and skips top', async () => {
    const server = await startMongoWireServer({ topology: 'mongos' });
    const collector = createMongodbCollector(mongoTarget(server.host, server.port), memoryLogger());
    cleanup.push(() => server.close(), () => collector.close());
    const runtime = await collector.collect('runtime', signal);
    const ops = runtime.data.current_op as Record<string, unknown>[];
    expect(ops.find((o) => o.shard === 'shard04')).toMatchObject({ client: expect.any(String) });
    const workload = await collector.collect('workload', signal);
    expect(workload.data.top).toBeUndefined();
    expect(server.received.map((c) => c.name)).not.toContain('top');
    const schema = await collector.collect('schema', signal);
    const admin = (schema.data.databases as Record<string, unknown>[]).find((d) => d.name === 'admin');
    expect(admin).toMatchObject({ objects: 6, dataSize: 666, indexes: 3 });
    const id = (schema.data.indexes as Record<string, unknown>[]).find((i) => i.name === '_id_');
    expect(id).toMatchObject({ accessesOps: 12 });
  });
});
