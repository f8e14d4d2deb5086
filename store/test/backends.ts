// The two stores every store test runs on: the embedded default (PGlite, in memory) and PostgreSQL (a fresh database on
// the test-services cluster, dropped afterwards). The same functions must behave identically on both.
import { sql } from 'kysely';
import { afterAll, beforeAll } from 'vitest';
import { openStore, PARTITIONED_TABLES, type Store } from '../src/index';
import { createTestDatabase } from '../src/testing';

export interface OpenedStore {
  store: Store;
  cleanup(): Promise<void>;
}

export const backends: Array<[string, () => Promise<OpenedStore>]> = [
  ['PGlite', async () => ({ store: await openStore({ dataDir: 'memory://' }), cleanup: async () => undefined })],
  [
    'PostgreSQL',
    async () => {
      const tdb = await createTestDatabase();
      return { store: await openStore({ databaseUrl: tdb.url }), cleanup: () => tdb.drop() };
    },
  ],
];

/**
 * The store of a describe block's tests: opened by `open` before them, closed and cleaned up after them. What it
 * returns stands for that store once it is open.
 */
export function suiteStore(open: () => Promise<OpenedStore>): Store {
  let opened: OpenedStore | undefined;
  beforeAll(async () => {
    opened = await open();
  });
  afterAll(async () => {
    await opened?.store.close();
    await opened?.cleanup();
  });
  const current = (): Store => {
    if (!opened) throw new Error('the suite store is opened in beforeAll');
    return opened.store;
  };
  return {
    get kind() {
      return current().kind;
    },
    get db() {
      return current().db;
    },
    ping: () => current().ping(),
    close: () => current().close(),
  };
}

/** Creates the day's partitions of every daily-partitioned table, as normalization does before it writes. */
export async function ensureDayPartitions(store: Store, day: string): Promise<void> {
  for (const table of PARTITIONED_TABLES) await sql`select logstag_ensure_partitions(${table}, ${day}::date, 1)`.execute(store.db);
}
