// The soak's own connection to the store under test. It never migrates: the schema is the server's (the API process
// migrates at its start), so a soak can judge another checkout's server (--server-root) with this checkout's code.
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from '@logstag/store';

export function openSoakDb(url: string): Kysely<Database> {
  const pool = new pg.Pool({ connectionString: url, max: 3, connectionTimeoutMillis: 5_000 });
  // The store is killed on purpose: an idle client's error is expected, and the next query reconnects.
  pool.on('error', () => undefined);
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}
