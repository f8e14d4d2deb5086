import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CATEGORIES } from '@logstag/schema';
import { diffSince } from '../src/state/diff';
import type { CheckResult, EngineCollector, QueryTextMode, TargetSpec } from '../src/collectors/types';
import { createRedisCollectorWith } from '../src/collectors/redis/index';
import type { KeyspaceSample } from '../src/collectors/redis/keyspace';
import type { SlowlogEntry } from '../src/collectors/redis/slowlog';
import type { CommandStatRow } from '../src/collectors/redis/stats';
import { unusedPort } from './ports';
import { redisSetupCommands } from './setup-files';
import { silentLogger, testTarget } from './target-spec';

export interface RedisUnderTest {
  /** Names the server in the test output, e.g. "Redis 7 (test services)". */
  label: string;
  start(): Promise<{ url: URL; stop(): Promise<void> }>;
}

/**
 * The Redis collector's tests against one real server, with the ACL user made from agent/setup/redis-acl.txt.
 * redis.test.ts runs them on the test services' Redis 7, redis6.test.ts on a Redis 6.2 started for the file.
 */
export function defineRedisCollectorSuite(server: RedisUnderTest): void {
  describe(server.label, () => {
    let url = new URL('redis://127.0.0.1');
    let running: { url: URL; stop(): Promise<void> } | undefined;
    const tag = String(randomInt(10_000, 99_999));
    // Databases 0–9 are left to others; each run of this file takes one of the remaining 54 and a key prefix with its tag.
    const db = randomInt(10, 64);
    const prefix = `lt${tag}`;
    const monitorUser = `lt_mon_${tag}`;
    const limitedUser = `lt_noslow_${tag}`;
    const password = `pw-${randomBytes(6).toString('hex')}`;

    let admin: Redis;
    const opened: EngineCollector[] = [];

    function target(overrides: Partial<TargetSpec> = {}): TargetSpec {
      return testTarget({
        name: `redis-${tag}`,
        engine: 'redis',
        host: url.hostname,
        port: Number(url.port),
        user: monitorUser,
        password,
        database: String(db),
        databases: { include: [`db${db}`], exclude: [] },
        ...overrides,
      });
    }

    function collector(overrides: Partial<TargetSpec> = {}): EngineCollector {
      const c = createRedisCollectorWith({ maxKeysPerDb: 1000 })(target(overrides), silentLogger);
      opened.push(c);
      return c;
    }

    /** Major version of the server under test (7 from the test services; 6 when pointed at a Redis 6.2). */
    let serverMajor = 7;

    async function applySetup(user: string, drop: string[] = []): Promise<void> {
      for (const [cmd, ...args] of redisSetupCommands(user, password, serverMajor)) {
        // `ACL SETUSER <user> <rules…>`: a line left without rules is skipped.
        const kept = args.filter((a) => !drop.includes(a));
        if (kept.length > 2) await admin.call(cmd!, ...kept);
      }
    }

    /** Runs `fn` with every command logged to the slow log, then restores the server's threshold. */
    async function withSlowlogEverything(fn: () => Promise<void>): Promise<void> {
      const [, before] = (await admin.call('CONFIG', 'GET', 'slowlog-log-slower-than')) as [string, string];
      await admin.call('CONFIG', 'SET', 'slowlog-log-slower-than', '0');
      try {
        await fn();
      } finally {
        await admin.call('CONFIG', 'SET', 'slowlog-log-slower-than', before);
      }
    }

    function byName(results: CheckResult[], check: string): CheckResult | undefined {
      return results.find((r) => r.check === check);
    }

    beforeAll(async () => {
      running = await server.start();
      url = running.url;
      admin = new Redis({ host: url.hostname, port: Number(url.port), db, lazyConnect: true });
      await admin.connect();
      serverMajor = Number(/redis_version:(\d+)/.exec(await admin.info('server'))?.[1] ?? 7);
      await applySetup(monitorUser);
      // The same user without the slow log permission.
      await applySetup(limitedUser, ['+slowlog|get']);
    });

    afterEach(async () => {
      for (const c of opened.splice(0)) await c.close();
    });

    afterAll(async () => {
      const keys = await admin.keys(`${prefix}:*`);
      if (keys.length) await admin.del(...keys);
      await admin.call('ACL', 'DELUSER', monitorUser, limitedUser);
      admin.disconnect();
      await running?.stop();
    });

    describe('Redis collector with the ACL user from agent/setup/redis-acl.txt', () => {
      it('passes every check', async () => {
        const results = await collector().check();
        expect(results.filter((r) => !r.ok)).toEqual([]);
        expect(byName(results, 'version')?.detail).toMatch(/^Redis [67]\./);
        expect(results.filter((r) => r.check.startsWith('acl:')).length).toBe(10);
      });

      it('runs every category without collector errors', async () => {
        const c = collector();
        for (const category of CATEGORIES) {
          const result = await c.collect(category, AbortSignal.timeout(30_000));
          expect(result.errors, category).toEqual([]);
        }
      });

      it('counts the commands of a collection and their round trips as its database time, dialling apart', async () => {
        const c = collector();
        const first = await c.collect('runtime', AbortSignal.timeout(10_000));
        expect(first.timing?.connectMs).toBeGreaterThan(0);
        const second = await c.collect('runtime', AbortSignal.timeout(10_000));
        // INFO and CLIENT LIST, on the connection the first collection opened.
        expect(second.timing).toMatchObject({ queries: 2, connectMs: 0 });
        expect(second.timing?.queryMs).toBeGreaterThan(0);
        // A key-space sample sends its TYPE/MEMORY USAGE lookups as pipelines: each counts as one round trip.
        const schema = await c.collect('schema', AbortSignal.timeout(10_000));
        expect(schema.timing?.queries).toBeGreaterThan(1);
      });

      it('collects categories started at the same moment on one connection, both succeeding', async () => {
        // The scheduler starts a target's categories independently: at start-up several ask for the connection at once.
        const c = collector();
        const results = await Promise.allSettled(CATEGORIES.map((category) => c.collect(category, AbortSignal.timeout(10_000))));
        expect(results.map((r) => r.status)).toEqual(CATEGORIES.map(() => 'fulfilled'));
        const clients = (await admin.call('CLIENT', 'LIST')) as string;
        expect(clients.split('\n').filter((l) => l.includes(`user=${monitorUser} `))).toHaveLength(1);
      });

      it('reports N executed commands as +N calls in the commandstats delta', async () => {
        const c = collector();
        const first = await c.collect('workload', AbortSignal.timeout(10_000));
        const N = 9;
        await admin.set(`${prefix}:counter`, 'x');
        for (let i = 0; i < N; i++) await admin.strlen(`${prefix}:counter`);
        const second = await c.collect('workload', AbortSignal.timeout(10_000));
        const prev = diffSince(undefined, first.data, first.counters ?? {}).next;
        const delta = diffSince(prev, second.data, second.counters ?? {});
        const strlen = (delta.data['command_stats'] as CommandStatRow[]).find((r) => r.command === 'strlen');
        expect(strlen?.calls).toBe(N);
        expect((delta.data['stats'] as Record<string, number>)['total_commands_processed']).toBeGreaterThanOrEqual(N);
      });

      it('keeps slow log entries to command names and argument counts', async () => {
        const canary = `canary-${randomBytes(8).toString('hex')}`;
        const c = collector();
        await c.collect('workload', AbortSignal.timeout(10_000)); // everything already in the slow log is now "seen"
        await withSlowlogEverything(async () => {
          await admin.set(`${prefix}:slow:${canary}`, canary);
          await admin.hset(`${prefix}:slowhash`, 'f1', canary, 'f2', canary);
          await admin.call('CONFIG', 'GET', 'maxmemory');
          // More than 32 arguments: Redis logs 31 and a `... (N more arguments)` marker, which must still count right.
          await admin.sadd(`${prefix}:slowset`, ...Array.from({ length: 40 }, (_, i) => `${canary}-${i}`));
        });
        const { data } = await c.collect('workload', AbortSignal.timeout(10_000));
        const entries = data['slowlog'] as SlowlogEntry[];
        expect(entries).toContainEqual(expect.objectContaining({ command: 'set', argumentCount: 2 }));
        expect(entries).toContainEqual(expect.objectContaining({ command: 'hset', argumentCount: 5 }));
        expect(entries).toContainEqual(expect.objectContaining({ command: 'config|get', argumentCount: 2 }));
        expect(entries).toContainEqual(expect.objectContaining({ command: 'sadd', argumentCount: 41 }));
        expect(JSON.stringify(data)).not.toContain(canary);
        expect(JSON.stringify(data)).not.toContain(prefix);
      });

      it('reduces key names to normalized patterns with counts, types and memory, without values', async () => {
        const canary = `canary-${randomBytes(8).toString('hex')}`;
        for (let i = 0; i < 5; i++) await admin.set(`${prefix}:user:${1000 + i}:session`, canary);
        for (let i = 0; i < 3; i++) await admin.hset(`${prefix}:order:${randomUUID()}`, 'item', canary);
        await admin.rpush(`${prefix}:mail:jane.doe@example.com:queue`, canary);
        await admin.sadd(`${prefix}:tokens:${randomBytes(16).toString('hex')}`, canary);
        const { data } = await collector().collect('schema', AbortSignal.timeout(30_000));
        const [sample] = data['key_patterns'] as KeyspaceSample[];
        expect(sample?.db).toBe(db);
        const patterns = Object.fromEntries(sample!.patterns.map((p) => [`${p.pattern} ${p.type}`, p]));
        expect(patterns['lt*:user:*:session string']?.count).toBe(5);
        expect(patterns['lt*:user:*:session string']?.memoryBytes).toBeGreaterThan(0);
        expect(patterns['lt*:order:* hash']?.count).toBe(3);
        expect(patterns['lt*:mail:*:queue list']?.count).toBe(1);
        expect(patterns['lt*:tokens:* set']?.count).toBe(1);
        const json = JSON.stringify(data);
        expect(json).not.toContain(canary);
        expect(json).not.toContain('jane.doe');
      });

      it('reduces ACL users and config to names, rules and booleans', async () => {
        const { data } = await collector().collect('operational', AbortSignal.timeout(10_000));
        const users = data['acl_users'] as { user: string; enabled: boolean; passwordCount: number; commands: string[] }[];
        const me = users.find((u) => u.user === monitorUser);
        expect(me?.enabled).toBe(true);
        expect(me?.passwordCount).toBe(1);
        expect(me?.commands).toContain('+slowlog|get');
        expect(JSON.stringify(data)).not.toMatch(/#[0-9a-f]{64}/);
        expect(JSON.stringify(data)).not.toContain(password);
        expect(data['password_set']).toBe(false);
        expect((data['config'] as Record<string, string>)['databases']).toBe('64');
      });
    });

    describe('Redis check failures', () => {
      it('fails the check of a command the ACL user may not run, with the ACL SETUSER fix', async () => {
        const results = await collector({ user: limitedUser }).check();
        expect(results.filter((r) => !r.ok)).toEqual([
          expect.objectContaining({ check: 'acl:slowlog|get', fix: `ACL SETUSER ${limitedUser} +slowlog|get` }),
        ]);
      });

      it('reports the missing permission of an optional collector inside the payload', async () => {
        const result = await collector({ user: limitedUser }).collect('workload', AbortSignal.timeout(10_000));
        expect(result.errors).toEqual([
          expect.objectContaining({ collector: 'slowlog', code: 'NOPERM', fix: `ACL SETUSER ${limitedUser} +slowlog|get` }),
        ]);
      });

      it('reports a wrong password as a failed authentication check', async () => {
        const results = await collector({ password: 'not-the-password' }).check();
        expect(byName(results, 'reachable')?.ok).toBe(true);
        const auth = byName(results, 'authentication');
        expect(auth?.ok).toBe(false);
        expect(auth?.detail).toMatch(/^login refused: WRONGPASS/);
      });

      it('reports a refused port as unreachable', async () => {
        const port = await unusedPort();
        const results = await collector({ port }).check();
        expect(results).toEqual([
          { check: 'reachable', ok: false, detail: expect.stringMatching(new RegExp(`connection refused by 127.0.0.1:${port}`)) },
        ]);
      });

      it('fails a collection clearly when the server is gone', async () => {
        const port = await unusedPort();
        await expect(collector({ port }).collect('runtime', AbortSignal.timeout(10_000))).rejects.toThrow(/ECONNREFUSED/);
      });
    });

    describe('Redis canary: no key value reaches a payload', () => {
      it.each<QueryTextMode>(['full', 'obfuscated'])('with query_text %s', async (queryText) => {
        const canary = `canary-${randomBytes(8).toString('hex')}`;
        // Values of every type, written while the slow log records every command with its arguments.
        await withSlowlogEverything(async () => {
          await admin.set(`${prefix}:c:str`, canary);
          await admin.hset(`${prefix}:c:hash`, 'field', canary);
          await admin.rpush(`${prefix}:c:list`, canary);
          await admin.sadd(`${prefix}:c:set`, canary);
          await admin.zadd(`${prefix}:c:zset`, 1, canary);
          await admin.xadd(`${prefix}:c:stream`, '*', 'field', canary);
          await admin.get(`${prefix}:c:str`);
        });
        const c = collector({ queryText });
        for (const category of CATEGORIES) {
          const result = await c.collect(category, AbortSignal.timeout(30_000));
          expect(result.errors).toEqual([]);
          expect(JSON.stringify(result), category).not.toContain(canary);
        }
      });
    });
  });
}
