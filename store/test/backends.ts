// The two stores every store test runs on: the embedded default (PGlite, in memory) and PostgreSQL (a fresh database on
// the test-services cluster, dropped afterwards). The same functions must behave identically on both.
import { openStore, type Store } from '../src/index';
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
