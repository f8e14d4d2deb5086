import { mkdirSync, accessSync, constants } from 'node:fs';
import { resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import type { Database } from './database';
import { migrateToLatest } from './migrate';

export type StoreKind = 'pglite' | 'postgres';

export interface StoreOptions {
  /** `postgres://…` for PostgreSQL; unset for the embedded PGlite store. */
  databaseUrl?: string | undefined;
  /** PGlite data folder; `memory://` for a throw-away store. */
  dataDir?: string | undefined;
  /** Connection pool size for PostgreSQL; poolSizeFor() the worker's activity concurrency when unset. */
  poolSize?: number;
}

export interface Store {
  readonly kind: StoreKind;
  readonly db: Kysely<Database>;
  /** Resolves when the store answers a trivial query; rejects otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * How many activities a worker runs at once against each kind of store (the worker's maxConcurrentActivityTaskExecutions).
 * PostgreSQL: each storePayloads holds one connection for its transaction. Batches of the same targets queue for the
 * rows they share at the end of their transactions (series, statements, targets), so beyond a few per core more
 * activities only wait on each other's commits while they hold connections (and, before the lock order, deadlocked).
 * PGlite: one connection serves the whole process and its driver queues every transaction, so a second activity is
 * the most that helps (it decodes while the first writes); more would only queue ahead of the API's requests.
 */
export const ACTIVITY_CONCURRENCY: Readonly<Record<StoreKind, number>> = Object.freeze({ postgres: 8, pglite: 2 });

/** Connections beyond the activities: the API's requests, the ingest dispatcher and the schedules of the same process. */
export const POOL_HEADROOM = 10;

/** A PostgreSQL pool that never makes an activity wait for a connection: one per activity, plus `headroom`. */
export function poolSizeFor(activityConcurrency: number, headroom = POOL_HEADROOM): number {
  return activityConcurrency + headroom;
}

export class StoreError extends Error {
  override name = 'StoreError';
}

// Counters (int8) and numeric aggregates come back from pg as strings; the product treats them as numbers.
// 2^53 is far above any counter a monitored database will report between two collections.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));

function checkWritableDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.R_OK | constants.W_OK | constants.X_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new StoreError(
      `the data folder ${dir} is not readable and writable (${code}); set LOGSTAG_DATA_DIR to a folder this user owns`,
      { cause: err },
    );
  }
}

async function openPglite(dataDir: string): Promise<Kysely<Database>> {
  const inMemory = dataDir.startsWith('memory://');
  if (!inMemory) checkWritableDir(dataDir);
  const pglite = new PGlite(inMemory ? dataDir : resolve(dataDir), {
    // int8 as number, like the pg parser above, so both stores return the same shapes.
    parsers: { 20: (v: string) => Number(v), 1700: (v: string) => Number(v) },
  });
  try {
    await pglite.waitReady;
  } catch (err) {
    throw new StoreError(`could not open the embedded store in ${dataDir}: ${(err as Error).message}`, { cause: err });
  }
  return new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
}

function openPostgres(url: string, poolSize: number): Kysely<Database> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, connectionTimeoutMillis: 5_000 });
  // An idle client's error (server restart) must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  // Nor may a checked-out client's: between two statements of a transaction no query is active to take the error,
  // and node-postgres then emits it on the client, where an unhandled 'error' event ends the process (the soak's
  // PostgreSQL kills took the API and the worker down with 57P01). The transaction's next statement fails instead,
  // and the pool drops the broken client on release.
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
  });
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

/** Opens the store and brings it to the latest schema. */
export async function openStore(options: StoreOptions): Promise<Store> {
  const kind: StoreKind = options.databaseUrl ? 'postgres' : 'pglite';
  const db = options.databaseUrl
    ? openPostgres(options.databaseUrl, options.poolSize ?? poolSizeFor(ACTIVITY_CONCURRENCY.postgres))
    : await openPglite(options.dataDir ?? 'memory://');
  const ping = async () => {
    await sql`select 1`.execute(db);
  };
  try {
    await ping();
    await migrateToLatest(db);
  } catch (err) {
    await db.destroy().catch(() => undefined);
    if (err instanceof StoreError) throw err;
    const where = kind === 'postgres' ? redactUrl(options.databaseUrl ?? '') : 'the embedded store';
    throw new StoreError(`could not prepare ${where}: ${(err as Error).message}`, { cause: err });
  }
  return { kind, db, ping, close: () => db.destroy() };
}

/** A database URL safe to print: the password replaced. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(invalid DATABASE_URL)';
  }
}
