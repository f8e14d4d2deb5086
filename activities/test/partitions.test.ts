// Daily partitions are created from three places (a batch's preparation, the rollup, the retention schedule's
// days ahead), possibly at the same moment by several workers: none of them may fail on another's creation.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, PARTITIONED_TABLES, type Store } from '@logstag/store';
import { createTestDatabase, type TestDatabase } from '@logstag/store/testing';
import { preparePartitions, utcDay } from '@logstag/store';
import { createRetentionActivities } from '../src/retention';

const DAY = 86_400_000;

describe('partition creation from concurrent callers (PostgreSQL)', () => {
  let database: TestDatabase;
  const stores: Store[] = [];

  beforeAll(async () => {
    database = await createTestDatabase('logstag_partitions');
    // Separate stores (pools) stand for separate worker processes.
    for (let i = 0; i < 3; i++) stores.push(await openStore({ databaseUrl: database.url }));
  });

  afterAll(async () => {
    for (const s of stores) await s.close();
    await database?.drop();
  });

  it('retention days-ahead, batch preparation and the rollup create the same days at once without an error', async () => {
    const now = Date.now();
    const instants = Array.from({ length: 12 }, (_, i) => new Date(now + i * DAY));
    const calls: Promise<unknown>[] = [];
    for (const store of stores) {
      const retention = createRetentionActivities({ db: store.db });
      calls.push(retention.createPartitionsAhead(12));
      calls.push(preparePartitions(store.db, instants));
      calls.push(preparePartitions(store.db, [...instants].reverse()));
    }
    const results = await Promise.allSettled(calls);
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    const { rows } = await sql<{ name: string }>`select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid`.execute(stores[0]!.db);
    const names = new Set(rows.map((r) => r.name));
    for (const table of PARTITIONED_TABLES) {
      for (const t of instants) expect(names.has(`${table}_p${utcDay(t).replaceAll('-', '')}`), `${table} ${utcDay(t)}`).toBe(true);
    }
  });
});
