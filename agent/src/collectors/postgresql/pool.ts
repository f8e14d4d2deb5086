import pg from 'pg';
import type { CustomTypesConfig } from 'pg';
import type { QueryClock } from '../query-clock';
import type { CollectorLogger, TargetSpec } from '../types';
import { CollectorFailure, hasSqlState } from './failure';

/** What every session learns about the server once, right after connecting. */
export interface ServerInfo {
  versionNum: number;
  version: string;
  inRecovery: boolean;
  database: string;
  backendPid: number;
  currentUser: string;
  isSuperuser: boolean;
}

/** One open session: typed row access plus the facts the SQL builders branch on (server_version_num). */
export interface PgConn {
  readonly server: ServerInfo;
  rows<R extends object>(sql: string, params?: unknown[]): Promise<R[]>;
  /**
   * Several parameterless statements in one round trip (one simple-query message, so one implicit transaction: the
   * statistics views give them one consistent snapshot). The rows of each, in order. If any statement fails, all do.
   */
  batch(sqls: readonly string[]): Promise<Array<Record<string, unknown>[]>>;
}

/** The contract's cap: the agent never holds more than this many sessions on one monitored server. */
export const MAX_CONNECTIONS_PER_TARGET = 2;
const LOCK_TIMEOUT_MS = 1_000;
const MAX_STATEMENT_TIMEOUT_MS = 5_000;
const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;

const INT8_OID = 20;
const NUMERIC_OID = 1700;
const TIMESTAMPTZ_OID = 1184;

/**
 * `pg` returns bigint and numeric as strings to stay exact. Counters (xact_commit, calls, bytes) fit in a double long
 * before they overflow 2^53, and the runner subtracts them, so they become numbers here; values that really use 64 bits
 * (queryid, sequence values, LSNs) are cast to text in SQL instead. Timestamps become ISO strings so payloads compare
 * and serialise the same everywhere ('infinity' stays as PostgreSQL wrote it).
 */
const parseTimestamptz = pg.types.getTypeParser(TIMESTAMPTZ_OID, 'text') as (value: string) => unknown;
const typeParsers: CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === INT8_OID || oid === NUMERIC_OID) return (value: string) => Number(value);
    if (oid === TIMESTAMPTZ_OID) {
      return (value: string) => {
        const parsed = parseTimestamptz(value);
        return parsed instanceof Date && !Number.isNaN(parsed.getTime()) ? parsed.toISOString() : value;
      };
    }
    return pg.types.getTypeParser(oid, format ?? 'text');
  }) as CustomTypesConfig['getTypeParser'],
};

const serverInfoSql = `
SELECT current_setting('server_version_num')::int AS version_num,
       current_setting('server_version') AS version,
       pg_is_in_recovery() AS in_recovery,
       current_database() AS database,
       pg_backend_pid() AS backend_pid,
       current_user AS current_user,
       (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS is_superuser`;

interface ServerInfoRow {
  version_num: number;
  version: string;
  in_recovery: boolean;
  database: string;
  backend_pid: number;
  current_user: string;
  is_superuser: boolean | null;
}

interface Pooled {
  client: pg.Client;
  database: string;
  conn: PgConn;
  broken: boolean;
}

/**
 * The target's connections, at most {@link MAX_CONNECTIONS_PER_TARGET} at a time across all databases (the schema
 * collector visits every database, so one pg.Pool per database could not keep that promise). Sessions on the primary
 * database are kept for the next tick; sessions on other databases close after use, because a 240-minute walk over
 * many databases should not leave idle backends behind.
 */
export class TargetPool {
  readonly primaryDatabase: string;
  readonly #target: TargetSpec;
  readonly #logger: CollectorLogger;
  readonly #idle: Pooled[] = [];
  readonly #waiters: Array<() => void> = [];
  #open = 0;
  #closed = false;

  constructor(target: TargetSpec, logger: CollectorLogger) {
    this.#target = target;
    this.#logger = logger;
    this.primaryDatabase = target.database ?? 'postgres';
  }

  /**
   * Runs `fn` on a session to `database` (default: the target's database) and gives the session back afterwards.
   * When `signal` aborts mid-statement the session is closed: the pending query rejects at once, and the server stops
   * the statement when it notices the socket gone or, at the latest, at statement_timeout.
   * With a `clock`, every statement's round trip (and a new session's set-up) is added to it.
   */
  async use<T>(database: string | undefined, fn: (conn: PgConn) => Promise<T>, signal?: AbortSignal, clock?: QueryClock): Promise<T> {
    signal?.throwIfAborted();
    const pooled = await this.#acquire(database ?? this.primaryDatabase, clock);
    const onAbort = () => {
      pooled.broken = true;
      void endQuietly(pooled.client);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    let failed = false;
    try {
      return await fn(clock ? timedConn(pooled.conn, clock) : pooled.conn);
    } catch (error) {
      // A statement error (it has an SQLSTATE) or our own explained failure leaves the session usable; anything
      // else (socket closed, protocol error) may not have.
      failed = !(hasSqlState(error) || error instanceof CollectorFailure);
      // Closing the session on abort makes the query fail with "Connection terminated"; the caller asked why.
      throw signal?.aborted ? signal.reason : error;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      this.#release(pooled, failed);
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    const idle = this.#idle.splice(0);
    this.#open -= idle.length;
    await Promise.all(idle.map((p) => endQuietly(p.client)));
    for (const wake of this.#waiters.splice(0)) wake();
  }

  async #acquire(database: string, clock: QueryClock | undefined): Promise<Pooled> {
    for (;;) {
      if (this.#closed) throw new Error('the PostgreSQL collector is closed');
      const index = this.#idle.findIndex((p) => p.database === database && !p.broken);
      if (index >= 0) return this.#idle.splice(index, 1)[0]!;
      if (this.#open < MAX_CONNECTIONS_PER_TARGET) {
        this.#open++;
        try {
          return await (clock ? clock.connect(() => this.#connect(database)) : this.#connect(database));
        } catch (error) {
          this.#open--;
          this.#wakeOne();
          throw error;
        }
      }
      // Full: an idle session on another database gives its place up rather than making this caller wait.
      const evicted = this.#idle.shift();
      if (evicted) {
        this.#open--;
        void endQuietly(evicted.client);
        continue;
      }
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
  }

  #release(pooled: Pooled, failed: boolean): void {
    if (failed || pooled.broken || this.#closed || pooled.database !== this.primaryDatabase) {
      this.#open--;
      void endQuietly(pooled.client);
    } else {
      this.#idle.push(pooled);
    }
    this.#wakeOne();
  }

  #wakeOne(): void {
    this.#waiters.shift()?.();
  }

  async #connect(database: string): Promise<Pooled> {
    const client = new pg.Client(clientConfig(this.#target, database));
    const pooled: Pooled = { client, database, conn: undefined as unknown as PgConn, broken: false };
    // Without a listener an idle session dropped by the server (restart, idle timeout) would crash the process.
    client.on('error', (error) => {
      pooled.broken = true;
      this.#logger.warn({ database, err: error.message }, 'PostgreSQL session lost');
      const index = this.#idle.indexOf(pooled);
      if (index >= 0) {
        this.#idle.splice(index, 1);
        this.#open--;
        void endQuietly(client);
        this.#wakeOne();
      }
    });
    try {
      await client.connect();
      const result = await client.query<ServerInfoRow>(serverInfoSql);
      const row = result.rows[0]!;
      const server: ServerInfo = {
        versionNum: row.version_num,
        version: row.version,
        inRecovery: row.in_recovery,
        database: row.database,
        backendPid: row.backend_pid,
        currentUser: row.current_user,
        isSuperuser: row.is_superuser === true,
      };
      pooled.conn = {
        server,
        rows: async <R extends object>(sql: string, params?: unknown[]) => (await client.query(sql, params)).rows as R[],
        batch: async (sqls) => {
          // pg answers a multi-statement query with one result per statement (a single one is not wrapped).
          const results = (await client.query(sqls.join(';\n'))) as unknown as pg.QueryResult | pg.QueryResult[];
          return (Array.isArray(results) ? results : [results]).map((r) => r.rows as Record<string, unknown>[]);
        },
      };
      return pooled;
    } catch (error) {
      await endQuietly(client);
      throw error;
    }
  }
}

/** The same session, with each statement's round trip added to `clock`. */
function timedConn(conn: PgConn, clock: QueryClock): PgConn {
  return {
    server: conn.server,
    rows: <R extends object>(sql: string, params?: unknown[]) => clock.query(() => conn.rows<R>(sql, params)),
    batch: (sqls) => clock.query(() => conn.batch(sqls)),
  };
}

/**
 * Protective limits go in the startup packet: they apply before the first statement, cost no round trip, and take
 * precedence over ALTER ROLE/DATABASE SET values. `jit=off` because JIT-compiling a big catalog query costs the
 * monitored server more CPU than running it.
 */
export function clientConfig(target: TargetSpec, database: string): pg.ClientConfig {
  const statementTimeoutMs = Math.min(target.statementTimeoutMs > 0 ? target.statementTimeoutMs : MAX_STATEMENT_TIMEOUT_MS, MAX_STATEMENT_TIMEOUT_MS);
  const options = [
    `statement_timeout=${statementTimeoutMs}`,
    `lock_timeout=${LOCK_TIMEOUT_MS}`,
    'default_transaction_read_only=on',
    'jit=off',
  ]
    .map((setting) => `-c ${setting}`)
    .join(' ');
  return {
    host: target.socket ?? target.host ?? 'localhost',
    port: target.port ?? 5432,
    user: target.user,
    password: target.password,
    database,
    application_name: 'logstag-agent',
    options,
    ssl: target.tls?.enabled
      ? { ca: target.tls.ca, cert: target.tls.cert, key: target.tls.key, rejectUnauthorized: target.tls.rejectUnauthorized }
      : false,
    connectionTimeoutMillis: Math.min(target.statementTimeoutMs > 0 ? target.statementTimeoutMs : DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_CONNECT_TIMEOUT_MS),
    keepAlive: true,
    types: typeParsers,
  };
}

async function endQuietly(client: pg.Client): Promise<void> {
  try {
    await client.end();
  } catch {
    // Already closed by the server or by a failed connect: nothing left to release.
  }
}
