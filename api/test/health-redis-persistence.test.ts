// Issue 14: the outcome of Redis's last background save (INFO persistence rdb_last_bgsave_status), dropped by the server
// before, is stored and evaluated. A Redis 7 started for this file (a failing save needs its `dir` changed, which the
// shared test Redis must not see), the monitoring user from agent/setup/redis-acl.txt, the real collector, the real
// ingest and report activities: the report passes on a good save, finds the failed one, and says fixed after a good one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisSetupCommands, startOwnRedis, type OwnRedis } from '@logstag/agent/testing';
import { openStore, type Store } from '@logstag/store';
import { createTestDatabase, type TestDatabase } from '@logstag/store/testing';
import { HealthHarness, tag, targetSpec } from './health-harness';

describe('Redis 7: the last background save, found failed and fixed', () => {
  let tdb: TestDatabase;
  let store: Store;
  let h: HealthHarness;
  let redis: OwnRedis;
  const monitor = `lt_mon_${tag()}`;
  const password = `pw-${tag()}${tag()}`;

  beforeAll(async () => {
    redis = await startOwnRedis();
    for (const [cmd, ...args] of redisSetupCommands(monitor, password)) await redis.admin.call(cmd!, ...args);
    tdb = await createTestDatabase('logstag_health_redis_save');
    store = await openStore({ databaseUrl: tdb.url, poolSize: 4 });
    h = new HealthHarness(store, 'org-health-redis-save');
  }, 60_000);

  afterAll(async () => {
    await h?.close();
    await store?.close();
    await tdb?.drop();
    await redis?.stop();
  });

  const spec = () => targetSpec({ name: 'redis-save', engine: 'redis', host: '127.0.0.1', port: redis.port, user: monitor, password, database: '0', databases: { include: ['db0'], exclude: [] } });
  const stored = (metric: string) =>
    store.db.selectFrom('metric_points').select(['value']).where('organization_id', '=', 'org-health-redis-save').where('metric', '=', metric).orderBy('ts', 'desc').executeTakeFirst();

  it('stores rdb_last_bgsave_status, finds a failed BGSAVE (critical, with the last good save), and reports it fixed after a good one', async () => {
    await redis.admin.set('k', 'v');
    await redis.repairBgsave();
    await h.collect(spec(), ['runtime', 'operational']);
    const first = await h.report('redis-save');
    // Stored as 1 (ok), evaluated: a pass, not the skip it was while the status was dropped.
    expect((await stored('persistence.rdb_last_bgsave_ok'))?.value).toBe(1);
    expect(first.result('redis.maintenance.rdb-failed')?.status).toBe('pass');
    // The AOF statuses are in INFO whatever the version: the rule evaluates them (AOF off: both ok).
    expect((await stored('persistence.aof_last_write_ok'))?.value).toBe(1);
    expect(first.result('redis.maintenance.aof-failed')?.status).toBe('pass');

    // A BGSAVE into a directory that no longer exists: Redis says rdb_last_bgsave_status:err.
    await redis.failBgsave();
    const info = await redis.admin.info('persistence');
    expect(info).toMatch(/rdb_last_bgsave_status:err/);
    const lastGoodSave = Number(/rdb_last_save_time:(\d+)/.exec(info)![1]);
    await h.collect(spec(), ['runtime']);
    const failed = await h.report('redis-save');
    expect((await stored('persistence.rdb_last_bgsave_ok'))?.value).toBe(0);
    const result = failed.result('redis.maintenance.rdb-failed');
    expect(result?.status).toBe('fail');
    expect(result?.findings).toHaveLength(1);
    expect(result?.findings[0]).toMatchObject({ object: 'rdb', severity: 'critical', evidence: { rdbLastBgsaveStatus: 'err', lastSuccessfulSave: new Date(lastGoodSave * 1000).toISOString() } });
    expect(failed.state('redis.maintenance.rdb-failed', 'rdb')).toBe('new');

    // A good save again: the next report says fixed.
    await redis.repairBgsave();
    await h.collect(spec(), ['runtime']);
    const fixed = await h.report('redis-save');
    expect(fixed.result('redis.maintenance.rdb-failed')?.status).toBe('pass');
    expect(fixed.state('redis.maintenance.rdb-failed', 'rdb')).toBe('fixed');
  }, 60_000);
});
