// A PostgreSQL store must outlive its server dropping connections (a restart, a failover, pg_terminate_backend): the
// statement that needed the connection fails, the process does not.
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { openStore, type Store } from '../src/index';
import { createTestDatabase, testPostgresAdminUrl, type TestDatabase } from '../src/testing';

let tdb: TestDatabase;
let store: Store;

beforeAll(async () => {
  tdb = await createTestDatabase();
  store = await openStore({ databaseUrl: tdb.url });
});

afterAll(async () => {
  await store?.close();
  await tdb?.drop();
});

test('a connection terminated inside a transaction, between two statements, fails that transaction and not the process', async () => {
  const errors: unknown[] = [];
  const onUncaught = (err: unknown) => errors.push(err);
  process.on('uncaughtException', onUncaught);
  try {
    const admin = new pg.Client({ connectionString: testPostgresAdminUrl() });
    await admin.connect();
    try {
      const outcome = store.db.transaction().execute(async (trx) => {
        const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx);
        // The connection sits idle in the transaction (no query active to take the error) while it is terminated.
        await admin.query('select pg_terminate_backend($1)', [rows[0]!.pid]);
        await new Promise((r) => setTimeout(r, 300));
        await sql`select 1`.execute(trx);
      });
      await expect(outcome).rejects.toThrow();
    } finally {
      await admin.end();
    }
    // The pool dropped the broken client: the store answers again.
    const { rows } = await sql<{ one: number }>`select 1 as one`.execute(store.db);
    expect(rows[0]?.one).toBe(1);
    expect(errors).toEqual([]);
  } finally {
    process.off('uncaughtException', onUncaught);
  }
});
