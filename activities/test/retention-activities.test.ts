// The retention activities' error behaviour, run in Temporal's activity environment against PostgreSQL 15: a lock held
// by a long reader is waited for at most 2 s and the step is left for the next scheduled run (creating or dropping a
// partition locks its parent exclusively, and queuing behind a reader would stall every reader queued behind us);
// a store that cannot answer fails the attempt with an error the retry policy retries.
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApplicationFailure, type Logger } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { type Database } from '@logstag/store';
import { classifyStoreError, createActivities, type Activities } from '../src/index';
import { postgresTestStore } from './test-store';

const DAY = 86_400_000;
const quiet: Logger = { log: () => undefined, trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const activityEnv = () => new MockActivityEnvironment(undefined, { logger: quiet });

type Policy = Parameters<Activities['dropExpiredPartitions']>[0];
const POLICY: Policy = { rawHours: 72, rollup1mHours: 14 * 24, rollup1hHours: 400 * 24, activityHours: 48, queryStatsHours: 30 * 24 };

const day = (t: number) => new Date(t).toISOString().slice(0, 10);
const partitionName = (table: string, t: number) => `${table}_p${day(t).replaceAll('-', '')}`;

describe('retention activities when a table is locked (PostgreSQL)', () => {
  const store = postgresTestStore(3, 'logstag_retention');
  let activities: Activities;
  beforeAll(async () => {
    activities = createActivities({ db: store.db });
  });

  /** Holds `table` locked (ACCESS SHARE is enough: a partition's DDL needs the parent exclusively) until released. */
  async function lockFromAnotherSession(table: string) {
    const holder = new pg.Client({ connectionString: store.url });
    await holder.connect();
    await holder.query(`begin; lock table ${table} in access share mode`);
    return async () => {
      await holder.query('rollback');
      await holder.end();
    };
  }

  async function partitions(): Promise<Set<string>> {
    const { rows } = await sql<{ name: string }>`select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid`.execute(store.db);
    return new Set(rows.map((r) => r.name));
  }

  it('createPartitionsAhead skips a table a reader holds, within seconds, creates the others, and the next run creates it', async () => {
    const release = await lockFromAnotherSession('query_stats');
    const started = Date.now();
    let first: Awaited<ReturnType<Activities['createPartitionsAhead']>>;
    try {
      first = await activityEnv().run(activities.createPartitionsAhead, 2);
    } finally {
      await release();
    }
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(first.skipped).toEqual(['query_stats']);
    const after = await partitions();
    expect(after.has(partitionName('query_stats', Date.now() + 2 * DAY))).toBe(false);
    expect(after.has(partitionName('metric_points', Date.now() + 2 * DAY))).toBe(true);

    const second: Awaited<ReturnType<Activities['createPartitionsAhead']>> = await activityEnv().run(activities.createPartitionsAhead, 2);
    expect(second.skipped).toEqual([]);
    expect((await partitions()).has(partitionName('query_stats', Date.now() + 2 * DAY))).toBe(true);
  });

  it('dropExpiredPartitions leaves an expired partition a reader holds for the next run and drops the rest', async () => {
    const old = Date.now() - 20 * DAY;
    for (const table of ['metric_points', 'activity_snapshots']) {
      await sql`select logstag_ensure_partitions(${table}, ${day(old)}::date, 1)`.execute(store.db);
    }
    const held = partitionName('activity_snapshots', old);
    const release = await lockFromAnotherSession(held);
    let first: Awaited<ReturnType<Activities['dropExpiredPartitions']>>;
    try {
      first = await activityEnv().run(activities.dropExpiredPartitions, POLICY);
    } finally {
      await release();
    }
    expect(first.dropped).toContain(partitionName('metric_points', old));
    expect(first.dropped).not.toContain(held);
    expect((await partitions()).has(held)).toBe(true);

    const second: Awaited<ReturnType<Activities['dropExpiredPartitions']>> = await activityEnv().run(activities.dropExpiredPartitions, POLICY);
    expect(second.dropped).toEqual([held]);
    expect((await partitions()).has(held)).toBe(false);
  });

  it('dropExpiredPartitions forgets the applications last seen running a statement before the statements\' retention', async () => {
    const row = (application: string, lastSeen: number) => ({ organization_id: 'org-retention', target_id: 'pg', fingerprint: 'app/1', application, first_seen: new Date(lastSeen - DAY), last_seen: new Date(lastSeen) });
    await store.db
      .insertInto('statement_applications')
      .values([row('old-batch', Date.now() - 31 * DAY), row('web', Date.now() - 29 * DAY)])
      .execute();
    await activityEnv().run(activities.dropExpiredPartitions, POLICY);
    const left = await store.db.selectFrom('statement_applications').select('application').where('organization_id', '=', 'org-retention').execute();
    expect(left.map((r) => r.application)).toEqual(['web']);
  });
});

describe('retention activities on a store that cannot answer', () => {
  let db: Kysely<Database>;
  beforeAll(() => {
    // Nothing listens on port 1: every query is refused, as when PostgreSQL is down (openStore would refuse to open).
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: 'postgres://logstag@127.0.0.1:1/none', max: 1 }) }) });
  });
  afterAll(async () => {
    await db?.destroy();
  });

  it('fails each step with a transient store error, which the retention workflow retries (not a non-retryable failure)', async () => {
    const activities = createActivities({ db });
    const steps: Array<() => Promise<unknown>> = [
      () => activityEnv().run(activities.createPartitionsAhead, 1),
      () => activityEnv().run(activities.buildRollups),
      () => activityEnv().run(activities.dropExpiredPartitions, POLICY),
    ];
    for (const step of steps) {
      const err = await step().then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(Error);
      expect(err instanceof ApplicationFailure && err.nonRetryable).toBe(false);
      expect(classifyStoreError(err).kind).toBe('transient');
    }
  });
});
