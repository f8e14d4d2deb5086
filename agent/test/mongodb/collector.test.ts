import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMongodbCollector } from '../../src/collectors/mongodb';
import type { EngineCollector } from '../../src/collectors/types';
import { fixtureText } from '../mongo-wire/fixtures';
import { startMongoWireServer, type MongoWireServer } from '../mongo-wire/server';
import { memoryLogger, mongoTarget } from './helpers';

/** The recorded reply as its publisher wrote it, read independently of the server's loader. */
const recorded = (name: string) => JSON.parse(fixtureText(name)) as Record<string, any>;

type Rows = Record<string, any>[];

describe('MongoDB collector against the wire-protocol server (replica-set primary recordings)', () => {
  let server: MongoWireServer;
  let collector: EngineCollector;
  const signal = new AbortController().signal;

  beforeAll(async () => {
    server = await startMongoWireServer({ topology: 'replset-primary' });
    collector = createMongodbCollector(mongoTarget(server.host, server.port), memoryLogger());
  });
  afterAll(async () => {
    await collector.close();
    await server.close();
  });

  it('runtime reports the recorded serverStatus values and marks the counters', async () => {
    const status = recorded('serverStatus.replset-primary.7.0.json');
    const { data, counters, errors } = await collector.collect('runtime', signal);
    expect(data.connections).toMatchObject({ current: status.connections.current, available: status.connections.available, totalCreated: 13603 });
    expect(data.connections).toMatchObject({ current: 17 });
    expect(data.opcounters).toEqual(status.opcounters);
    expect(data.asserts).toMatchObject({ user: 13625 });
    expect(data.network).toMatchObject({ bytesIn: status.network.bytesIn, numRequests: status.network.numRequests });
    expect(data.wired_tiger_cache).toMatchObject({ bytesInCache: status.wiredTiger.cache['bytes currently in the cache'] });
    expect(data.tickets).toEqual([
      { kind: 'read', out: 0, available: 8, totalTickets: 8 },
      { kind: 'write', out: 0, available: 8, totalTickets: 8 },
    ]);
    expect(data.mem).toEqual({ residentMb: 167, virtualMb: 2967 });
    expect(data.locks as Rows).toContainEqual({ resource: 'ReplicationStateTransition', mode: 'W', acquireCount: 2, acquireWaitCount: 1, timeAcquiringMicros: 1, deadlockCount: 0 });
    expect(counters?.opcounters).toEqual({ key: [], counters: ['insert', 'query', 'update', 'delete', 'getmore', 'command'] });
    expect(counters?.locks?.key).toEqual(['resource', 'mode']);
    expect(counters?.network?.counters).toContain('bytesIn');
    expect(errors).toEqual([]);
  });

  it('runtime lists replica members with states, health and optime lag against the primary', async () => {
    const { data } = await collector.collect('runtime', signal);
    const members = data.replica_members as Rows;
    const rs = recorded('replSetGetStatus.replset-primary.4.2.json');
    expect(members.map((m) => [m.name, m.stateStr, m.health])).toEqual(rs.members.map((m: any) => [m.name, m.stateStr, m.health]));
    const primaryT = rs.members[0].optime.ts.$timestamp.t as number;
    for (const [i, m] of members.entries()) {
      const ts = rs.members[i].optime?.ts.$timestamp.t as number | undefined;
      expect(m.lagSeconds).toBe(ts === undefined ? null : primaryT - ts);
    }
    expect(members.find((m) => m.stateStr === 'ARBITER')?.lagSeconds).toBeNull();
    expect(data.replica_set).toMatchObject({ set: 'replset', myState: 1, term: 24, primary: 'replset-data-0.mongo.default.svc.cluster.local:27017' });
    expect(data.conn_pool).toMatchObject({ totalCreated: 34, totalAvailable: 4 });
    expect((data.conn_pool_hosts as Rows).map((h) => h.host)).toEqual(['host.docker.internal:27018', 'host.docker.internal:27019']);
  });

  it('currentOp keeps operations and their command shapes, never the recorded literal values', async () => {
    const { data } = await collector.collect('runtime', signal);
    const ops = data.current_op as Rows;
    expect(fixtureText('currentOp.aggregate.standalone.json')).toContain('0.6283678507530881');
    expect(ops).toHaveLength(4);
    const find = ops.find((o) => o.ns === 'integration.products');
    expect(find).toMatchObject({ op: 'query', commandName: 'find', secsRunning: 0, planSummary: 'COLLSCAN', waitingForLock: false });
    expect(find?.commandShape).toEqual({
      find: '?',
      filter: { $and: [{ data: { $gt: '?' } }, { message: { $regex: '?' } }] },
      comment: '?',
    });
    const text = JSON.stringify(ops);
    expect(text).not.toContain('0.6283678507530881');
    expect(text).not.toContain('"log"');
    expect(text).not.toContain('/n9kUpUhR1ymJjEwvCySbg=='); // the session id
    expect(data.lock_waits).toEqual([]);
  });

  it('workload reports top per namespace and profiler entries as shapes, with counters marked', async () => {
    const { data, counters } = await collector.collect('workload', signal);
    const top = data.top as Rows;
    expect(top.find((r) => r.ns === 'admin.$cmd.aggregate')).toMatchObject({ totalTime: 139460, totalCount: 328, commandsCount: 328 });
    expect(counters?.top).toMatchObject({ key: ['ns'] });
    expect(counters?.top?.counters).toContain('totalTime');
    expect(data.opcounters).toMatchObject({ command: 80749 });
    expect(data.profiler_levels as Rows).toContainEqual({ db: 'integration', level: 1, slowms: 100, error: null });
    expect(data.profiler_levels as Rows).toContainEqual({ db: 'admin', level: 0, slowms: 100, error: null });
    const entries = data.profiler_entries as Rows;
    expect(entries).toHaveLength(4);
    expect(entries[0]).toMatchObject({ db: 'integration', op: 'update', ns: 'integration.customers', millis: 10, keysExamined: 431, planSummary: 'IXSCAN { age: -1 }' });
    expect(entries[0]?.commandShape).toEqual({ q: { age: { $gt: '?' } }, u: { $set: { subscribed: '?' } }, multi: '?', upsert: '?', comment: '?' });
    const text = JSON.stringify(entries);
    expect(text).not.toContain('update customers subscription status by age');
    expect(text).not.toContain('limitAmount'); // execStats holds literal values: never sent
  });

  it('workload reads profiler entries only once: the next run continues after the newest seen', async () => {
    const { data } = await collector.collect('workload', signal);
    expect(data.profiler_entries).toEqual([]);
  });

  it('operational reports build, host, options (secrets redacted), replica-set config and the oplog', async () => {
    const { data, errors } = await collector.collect('operational', signal);
    expect(data.build_info).toMatchObject({ version: '4.4.10', versionArray: [4, 4, 10, 0], allocator: 'tcmalloc' });
    expect(data.host_info).toMatchObject({ numCores: 10, memLimitMb: 16023, cpuArch: 'aarch64', osName: 'Ubuntu' });
    const opts = data.cmd_line_opts as { parsed: any; argv: string[] };
    expect(opts.parsed.replication).toEqual({ enableMajorityReadConcern: true, replSetName: 'replset' });
    expect(opts.parsed.security).toEqual({ authorization: 'enabled', keyFile: '<redacted>' });
    expect(JSON.stringify(data)).not.toContain('/opt/bitnami/mongodb/conf/keyfile');
    const config = data.replica_set_config as { members: Rows; settings: any };
    expect(config.members.map((m) => [m.priority, m.arbiterOnly, m.secondaryDelaySecs])).toEqual([
      [5, false, 0],
      [0, true, 0],
      [1, false, 0],
      [1, false, 0],
    ]);
    // The oplog collStats recording gives the sizes; no oplog entries were recorded, so first/last ts cannot be read
    // and the window is reported as unavailable with the server's reason.
    const oplog = recorded('collStats.oplog.rs.replset-primary.4.2.8.ftdc.json');
    expect(data.oplog).toMatchObject({ sizeBytes: oplog.size, maxSizeBytes: 16777216, count: 7552, usedPercent: 11.1, windowSeconds: null });
    expect((data.oplog as any).windowError).toMatchObject({ code: 'CommandNotFound' });
    // No recording exists for getParameter, usersInfo and rolesInfo: each is an optional error, the rest still ran.
    expect(errors.map((e) => e.collector).sort()).toEqual(['parameters', 'users']);
    expect(errors.every((e) => e.code === 'CommandNotFound' && e.message.startsWith('not supported by this server'))).toBe(true);
  });

  it('schema reports databases, collection storage stats and indexes with usage', async () => {
    const { data, errors } = await collector.collect('schema', signal);
    const dbs = data.databases as Rows;
    expect(dbs.map((d) => d.name)).toEqual(['admin', 'local', 'integration', 'test']);
    expect(dbs.find((d) => d.name === 'local')).toMatchObject({ objects: 6938, collections: 7, indexSize: 98304 });
    const foo = (data.collections as Rows).find((c) => c.name === 'foo');
    expect(foo?.storage).toMatchObject({ size: 5670, count: 210, storageSize: 16384, totalIndexSize: 16384, indexSizes: { _id_: 16384 } });
    const indexes = (data.indexes as Rows).filter((i) => i.db === 'test' && i.collection === 'foo');
    const byName = new Map(indexes.map((i) => [i.name, i]));
    expect(byName.get('_id_')).toMatchObject({ key: { _id: 1 }, accessesOps: 0, unused: false, sizeBytes: 16384 });
    expect(byName.get('item_1_quantity_1')).toMatchObject({ key: { item: 1, quantity: 1 }, accessesOps: 1, accessesSince: '2022-07-24T10:22:53.354Z', unused: false });
    expect(byName.get('name_1_listing_url_1')).toMatchObject({ partialFilterExpressionShape: { beds: { $gt: '?' } }, accessesOps: null, unused: null });
    expect(byName.get('last_scraped_1')).toMatchObject({ expireAfterSeconds: 3600 });
    expect(byName.get('summary_1')).toMatchObject({ collationLocale: 'en' });
    expect(byName.size).toBe(15);
    // integration.customers has no $collStats/listIndexes recording: reported per collection, not fatal.
    expect(errors.filter((e) => e.collector === 'collStats')).toHaveLength(1);
  });

  it('never runs find or aggregate over application documents', async () => {
    for (const category of ['runtime', 'workload', 'operational', 'schema'] as const) await collector.collect(category, signal);
    const reads = server.received.filter((c) => c.name === 'find' || c.name === 'aggregate');
    expect(reads.length).toBeGreaterThan(0);
    for (const c of reads) {
      if (c.name === 'find') expect([`${c.db}.${c.collection}`]).toSatisfy(([ns]: string[]) => ns === 'local.oplog.rs' || ns!.endsWith('.system.profile'));
      else expect(['$currentOp', '$collStats', '$indexStats']).toContain(c.stages[0]);
      if (c.stages[0] === '$currentOp') expect(c.db).toBe('admin');
    }
    expect(server.received.some((c) => ['insert', 'update', 'delete', 'findAndModify', 'count', 'distinct'].includes(c.name))).toBe(false);
  });

  it('check() reports reachability and version, and that privileges could not be verified without connectionStatus', async () => {
    const results = await collector.check();
    expect(results).toContainEqual({ check: 'reachable', ok: true, detail: `connected to ${server.host}:${server.port}` });
    expect(results).toContainEqual({ check: 'version', ok: true, detail: 'MongoDB 4.4.10' });
    const privilege = results.find((r) => r.check === 'privilege:clusterMonitor');
    expect(privilege).toMatchObject({ ok: false });
    expect(privilege?.detail).toMatch(/could not verify privileges: connectionStatus failed: no such command/);
    expect(privilege?.fix).toBe('db.getSiblingDB("admin").grantRolesToUser("logstag_monitor", [{ role: "clusterMonitor", db: "admin" }, { role: "read", db: "local" }])');
  });
});
