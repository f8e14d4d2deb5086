import mysql from 'mysql2/promise';
import type { Pool, PoolConnection, RowDataPacket } from 'mysql2/promise';
import type { QueryClock } from '../query-clock';
import type { TargetSpec } from '../types';

/** What the agent talks to: the SQL differs between MariaDB and MySQL in the views used for locks, replicas and accounts. */
export interface ServerFlavour {
  kind: 'mariadb' | 'mysql';
  /** e.g. `10.11.19-MariaDB-0+deb12u1` or `8.0.36`. */
  version: string;
  major: number;
  minor: number;
  patch: number;
}

export type Rows = RowDataPacket[];

/** A connection checked out for one collector run; every query already runs under the session limits. */
export interface MysqlConn {
  flavour: ServerFlavour;
  query(sql: string, params?: unknown[]): Promise<Rows>;
}

export function parseFlavour(version: string): ServerFlavour {
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(version);
  return {
    kind: /mariadb/i.test(version) ? 'mariadb' : 'mysql',
    version,
    major: Number(m?.[1] ?? 0),
    minor: Number(m?.[2] ?? 0),
    patch: Number(m?.[3] ?? 0),
  };
}

export function versionAtLeast(f: ServerFlavour, major: number, minor = 0, patch = 0): boolean {
  if (f.major !== major) return f.major > major;
  if (f.minor !== minor) return f.minor > minor;
  return f.patch >= patch;
}

/**
 * Session limits set once per physical connection. MariaDB bounds every statement with max_statement_time (seconds);
 * MySQL's max_execution_time (ms) only bounds SELECT, which is all the agent runs. READ ONLY makes any accidental write
 * fail instead of happening, and a short lock_wait_timeout keeps a catalog query from queueing behind a DDL's metadata lock.
 */
export function sessionSetupSql(flavour: ServerFlavour, statementTimeoutMs: number): string[] {
  const lockWaitSeconds = Math.max(1, Math.ceil(statementTimeoutMs / 1000));
  return [
    flavour.kind === 'mariadb'
      ? `SET SESSION max_statement_time = ${(statementTimeoutMs / 1000).toFixed(3)}`
      : `SET SESSION max_execution_time = ${Math.max(1, Math.round(statementTimeoutMs))}`,
    `SET SESSION lock_wait_timeout = ${lockWaitSeconds}`,
    'SET SESSION TRANSACTION READ ONLY',
  ];
}

/**
 * At most two connections per target (runtime on one, a slower category on the other). Pool connections are set up on
 * first checkout; idle ones are closed after a minute so a 10-minute category does not hold a session open for nothing.
 */
// mysql2 keeps its compiled row parsers in one LRU cache (15,000 entries) and each connection's prepared statements in
// another (16,000), and lru.min allocates four arrays of the full size up front: about 0.5 MB for the first and 0.5 MB
// per connection for the second, 3 MB of the agent's heap with the benchmark's 5 MariaDB targets. The agent runs a
// few dozen fixed statements through query() and prepares none.
mysql.setMaxParserCache(256);

export class MysqlConnections {
  private pool: Pool | undefined;
  private flavour: ServerFlavour | undefined;
  private readonly prepared = new WeakSet<object>();

  constructor(private readonly target: TargetSpec) {}

  private getPool(): Pool {
    if (!this.pool) {
      const t = this.target;
      const ssl = t.tls?.enabled
        ? { ca: t.tls.ca, cert: t.tls.cert, key: t.tls.key, rejectUnauthorized: t.tls.rejectUnauthorized }
        : undefined;
      this.pool = mysql.createPool({
        host: t.socket ? undefined : (t.host ?? '127.0.0.1'),
        port: t.socket ? undefined : (t.port ?? 3306),
        socketPath: t.socket,
        user: t.user,
        password: t.password,
        ssl,
        connectionLimit: 2,
        maxIdle: 2,
        idleTimeout: 60_000,
        queueLimit: 20,
        connectTimeout: Math.max(1000, t.statementTimeoutMs),
        enableKeepAlive: true,
        decimalNumbers: true,
        dateStrings: true,
        // The agent sends fixed single statements only, never prepared (0 would mean mysql2's default of 16,000).
        multipleStatements: false,
        maxPreparedStatements: 1,
        // mysql2 captures the caller's stack (Error.captureStackTrace) on every query, to graft it onto a failed
        // query's error; the agent reads a failure's code, message and fatal flag only.
        trace: false,
      });
      // An idle pooled connection dropped by the server would otherwise surface as an unhandled 'error' event.
      this.pool.on('connection', (c) => c.on('error', () => undefined));
    }
    return this.pool;
  }

  /** With a `clock`, each statement's round trip (and a new session's set-up) is added to it. */
  async withConnection<T>(fn: (conn: MysqlConn) => Promise<T>, clock?: QueryClock): Promise<T> {
    const started = performance.now();
    const pc: PoolConnection = await this.getPool().getConnection();
    let broken = false;
    try {
      const core = pc.connection as unknown as object;
      let flavour = this.flavour;
      if (!flavour || !this.prepared.has(core)) {
        flavour = await this.prepare(pc, core);
        // A new session: the pool dialled and authenticated it, and its session limits were just set.
        clock?.connected(started);
      }
      const query = async (sql: string, params?: unknown[]) => {
        const [rows] = await pc.query<Rows>(sql, params);
        return rows;
      };
      return await fn({ flavour, query: clock ? (sql, params) => clock.query(() => query(sql, params)) : query });
    } catch (err) {
      // A fatal error (lost connection, timeout) leaves the session unusable: drop it rather than hand it out again.
      // An ordinary SQL error (a missing privilege) keeps it.
      if ((err as { fatal?: boolean }).fatal) {
        broken = true;
        pc.destroy();
      }
      throw err;
    } finally {
      if (!broken) pc.release();
    }
  }

  /** The server's flavour (asked once per target) and the session limits (set once per physical connection). */
  private async prepare(pc: PoolConnection, core: object): Promise<ServerFlavour> {
    if (!this.flavour) {
      const [rows] = await pc.query<Rows>('SELECT VERSION() AS version');
      this.flavour = parseFlavour(String(rows[0]?.['version'] ?? ''));
    }
    const flavour = this.flavour;
    if (!this.prepared.has(core)) {
      for (const sql of sessionSetupSql(flavour, this.target.statementTimeoutMs)) await pc.query(sql);
      this.prepared.add(core);
    }
    return flavour;
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    if (pool) await pool.end().catch(() => undefined);
  }
}

/** The schemas that hold the server's own catalogs, never the customer's data model. */
export const SYSTEM_SCHEMAS = ['mysql', 'information_schema', 'performance_schema', 'sys'] as const;

export const systemSchemaList = SYSTEM_SCHEMAS.map((s) => `'${s}'`).join(', ');
