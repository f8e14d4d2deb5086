// The PostgreSQL store the activities' tests run on: a fresh database on the test-services cluster per block of tests.
import { afterAll, beforeAll } from 'vitest';
import { openStore, type Store } from '@logstag/store';
import { createTestDatabase, type TestDatabase } from '@logstag/store/testing';

/** A store that also tells its database's URL, for the test's own sessions (lock holders, catalog reads). */
export interface TestStore extends Store {
  readonly url: string;
}

/**
 * A store on a fresh PostgreSQL database (named with `prefix`), opened with `poolSize` connections before a block's
 * tests and closed and dropped after them. What it returns stands for that store once it is open.
 */
export function postgresTestStore(poolSize: number, prefix?: string): TestStore {
  let tdb: TestDatabase | undefined;
  let store: Store | undefined;
  beforeAll(async () => {
    tdb = await createTestDatabase(prefix);
    store = await openStore({ databaseUrl: tdb.url, poolSize });
  });
  afterAll(async () => {
    await store?.close();
    await tdb?.drop();
  });
  const open = (): { tdb: TestDatabase; store: Store } => {
    if (!tdb || !store) throw new Error('the test store is opened in beforeAll');
    return { tdb, store };
  };
  return {
    get url() {
      return open().tdb.url;
    },
    get kind() {
      return open().store.kind;
    },
    get db() {
      return open().store.db;
    },
    ping: () => open().store.ping(),
    close: () => open().store.close(),
  };
}
