import type pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createPgFixture, eventually, rows, signal, type PgFixture } from './postgresql-fixture';

describe('PostgreSQL runtime collection (monitoring role from agent/setup/postgresql.sql)', () => {
  let fx: PgFixture;
  let admin: pg.Client;

  beforeAll(async () => {
    fx = await createPgFixture();
    admin = await fx.admin();
    await admin.query('CREATE TABLE accounts (id int PRIMARY KEY, balance int NOT NULL)');
    await admin.query('INSERT INTO accounts VALUES (1, 100), (2, 200)');
  });
  afterAll(async () => fx?.cleanup());
  // The setup file caps the role at 5 connections: each test's collectors give theirs back.
  afterEach(async () => fx?.closeCollectors());

  it('shows a session waiting on a row lock as blocked by the session holding it', async () => {
    const holder = await fx.admin();
    const waiter = await fx.admin();
    const holderPid = (await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    const waiterPid = (await waiter.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    await holder.query('BEGIN');
    await holder.query('UPDATE accounts SET balance = balance + 1 WHERE id = 1');
    const blocked = waiter.query('UPDATE accounts SET balance = balance - 1 WHERE id = 1');
    try {
      const collector = fx.collector();
      const data = await eventually(async () => {
        const result = await collector.collect('runtime', signal());
        return rows(result.data, 'lock_waits').some((w) => w['pid'] === waiterPid) ? result.data : undefined;
      });
      const wait = rows(data, 'lock_waits').find((w) => w['pid'] === waiterPid)!;
      expect(wait['blocking_pids']).toEqual([holderPid]);
      expect(wait['relation_name']).toBe('accounts');
      expect(wait['mode']).toBe('ShareLock');
      expect(data['blocking_tree']).toContainEqual({ pid: holderPid, waiters: [{ pid: waiterPid, waiters: [] }] });
      const session = rows(data, 'sessions').find((s) => s['pid'] === waiterPid)!;
      expect(session).toMatchObject({ wait_event_type: 'Lock', state: 'active', datname: fx.database });
      const holderSession = rows(data, 'sessions').find((s) => s['pid'] === holderPid)!;
      expect(holderSession['state']).toBe('idle in transaction');
    } finally {
      await holder.query('ROLLBACK');
      await blocked;
    }
  });

  it('shows a long-running statement with its duration and its obfuscated text', async () => {
    const sleeper = await fx.admin();
    const sleeperPid = (await sleeper.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    const running = sleeper.query('select pg_sleep(3)');
    try {
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const result = await fx.collector().collect('runtime', signal());
      const session = rows(result.data, 'sessions').find((s) => s['pid'] === sleeperPid)!;
      expect(session['state']).toBe('active');
      expect(session['query_duration_seconds']).toBeGreaterThanOrEqual(1);
      expect(session['query']).toBe('select pg_sleep(?)');
      expect(session['query_id']).toEqual(expect.any(String));
    } finally {
      await running;
    }
  });

  it('reports connections against max_connections by state, with no error for the monitoring role', async () => {
    const result = await fx.collector().collect('runtime', signal());
    expect(result.errors).toEqual([]);
    const connections = result.data['connections'] as Record<string, unknown>;
    expect(connections['max_connections']).toBeGreaterThan(0);
    expect(connections['total']).toBeGreaterThan(0);
    expect(Object.values(connections['by_state'] as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(connections['total']);
    expect(result.data['replication']).toEqual([]);
    expect(result.data['replication_slots']).toEqual([]);
  });

  it('never holds more than two sessions on the server, even with every category running at once', async () => {
    await fx.closeCollectors();
    const collector = fx.collector();
    const categories = ['runtime', 'workload', 'operational', 'schema', 'runtime', 'workload', 'schema'] as const;
    let running = true;
    let peak = 0;
    const sampling = (async () => {
      while (running) {
        const { rows: count } = await admin.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE usename = $1 AND application_name = 'logstag-agent'",
          [fx.role],
        );
        peak = Math.max(peak, count[0]!.n);
      }
    })();
    await Promise.all(categories.map((category) => collector.collect(category, signal())));
    running = false;
    await sampling;
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThanOrEqual(2);
  });

  it('survives its session being terminated between collections, without crashing the process', async () => {
    const collector = fx.collector();
    await collector.collect('runtime', signal());
    const { rows: killed } = await admin.query<{ n: number }>(
      "SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE usename = $1 AND application_name = 'logstag-agent'",
      [fx.role],
    );
    expect(killed[0]!.n).toBeGreaterThan(0);
    // Either the lost session was noticed while idle and replaced, or this one collection fails; never a crash.
    const next = await eventually(async () => collector.collect('runtime', signal()).catch(() => undefined), 5_000);
    expect(rows(next.data, 'sessions').length).toBeGreaterThan(0);
  });
});
