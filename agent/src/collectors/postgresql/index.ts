import type { Category, CollectorError } from '@logstag/schema';
import type {
  CheckResult,
  CollectionResultWithCounters,
  CollectorFactory,
  CollectorLogger,
  CounterSpec,
  EngineCollector,
  TargetSpec,
} from '../types';
import { activitySql, collectActivity, type QueryTextOptions } from './activity';
import { collectBgwriter, numericCounters } from './bgwriter';
import { runChecks } from './check';
import { collectColumns } from './columns';
import { collectConnections, connectionsSql } from './connections';
import { collectConstraints, collectForeignKeys } from './constraints';
import { collectDatabaseStats, databaseStatsCounters } from './database-stats';
import { collectDatabases, listConnectableDatabases } from './databases';
import { databaseMatcher } from './databases-filter';
import { collectExtensions } from './extensions';
import { CollectorFailure, quoteIdent, toCollectorError } from './failure';
import { collectIndexes } from './indexes';
import { collectLockWaits, lockWaitsSql } from './locks';
import { TargetPool, type PgConn } from './pool';
import { prefetched } from './prefetch';
import { QueryClock } from '../query-clock';
import { collectDatabasePrivileges, collectSchemaPrivileges, collectTablePrivileges } from './privileges';
import {
  collectRecovery,
  collectReplication,
  collectReplicationSlots,
  recoverySql,
  replicationSlotsSql,
  replicationSql,
} from './replication';
import { collectAuthSettings, collectMemberships, collectRoles } from './roles';
import { collectSchemas } from './schemas';
import { collectSequences } from './sequences';
import { collectSettings } from './settings';
import { StatementsCollector } from './statements';
import { collectTableMaintenance } from './table-maintenance';
import { collectTables } from './tables';
import { collectArchiver, collectWal } from './wal';

/**
 * Names accepted in `disabledCollectors`. Each fills the payload section of its name, except `locks` (lock_waits and
 * blocking_tree) and `bgwriter` (bgwriter and checkpointer). Every payload also carries `server` (version, recovery).
 */
export const POSTGRESQL_COLLECTORS = {
  runtime: ['sessions', 'locks', 'connections', 'replication', 'replication_slots', 'recovery'],
  workload: ['database_stats', 'statements', 'bgwriter', 'wal', 'archiver'],
  operational: [
    'settings', 'roles', 'memberships', 'auth', 'databases', 'database_privileges', 'extensions', 'table_maintenance',
    'table_privileges', 'schema_privileges',
  ],
  schema: ['schemas', 'tables', 'columns', 'indexes', 'constraints', 'foreign_keys', 'sequences'],
} as const satisfies Record<Category, readonly string[]>;

/** Collectors whose failure fails the whole collection: without them the payload says nothing useful. */
const REQUIRED = new Set(['sessions', 'connections', 'database_stats', 'settings', 'databases']);

/** Accumulates one collection: sections, counter specs and the errors of optional collectors. */
class Collection {
  readonly data: Record<string, unknown> = {};
  readonly errors: CollectorError[] = [];
  readonly counters: Record<string, CounterSpec> = {};
  readonly clock = new QueryClock();

  constructor(
    private readonly disabled: ReadonlySet<string>,
    private readonly signal: AbortSignal,
    private readonly logger: CollectorLogger,
  ) {}

  enabled(name: string): boolean {
    return !this.disabled.has(name);
  }

  /** Runs one collector unless disabled; an optional one's failure becomes an error entry and the rest goes on. */
  async run(name: string, fn: () => Promise<void>, options: { required?: boolean; errorName?: string } = {}): Promise<void> {
    if (!this.enabled(name)) return;
    this.signal.throwIfAborted();
    try {
      await fn();
    } catch (error) {
      if (this.signal.aborted) throw this.signal.reason;
      if (options.required ?? REQUIRED.has(name)) throw error;
      const entry = toCollectorError(options.errorName ?? name, error);
      this.logger.warn({ collector: entry.collector, code: entry.code, err: entry.message }, 'PostgreSQL collector failed');
      this.errors.push(entry);
    }
  }

  /** Appends a database's rows to a cluster-wide section, each tagged with the database it came from. */
  append(section: string, datname: string, rows: ReadonlyArray<Record<string, unknown>>): void {
    const list = (this.data[section] ??= []) as unknown[];
    for (const row of rows) list.push({ datname, ...row });
  }

  result(): CollectionResultWithCounters {
    const timing = this.clock.timing();
    return Object.keys(this.counters).length > 0
      ? { data: this.data, errors: this.errors, counters: this.counters, timing }
      : { data: this.data, errors: this.errors, timing };
  }
}

class PostgresqlCollector implements EngineCollector {
  readonly engine = 'postgresql' as const;
  readonly #target: TargetSpec;
  readonly #logger: CollectorLogger;
  readonly #pool: TargetPool;
  readonly #includeDatabase: (name: string) => boolean;
  readonly #disabled: ReadonlySet<string>;
  readonly #text: QueryTextOptions;
  readonly #statements = new StatementsCollector();

  constructor(target: TargetSpec, logger: CollectorLogger) {
    this.#target = target;
    this.#logger = logger;
    this.#pool = new TargetPool(target, logger);
    this.#includeDatabase = databaseMatcher(target.databases);
    // `pg_stat_statements` is the name users know the statements collector by.
    this.#disabled = new Set(target.disabledCollectors.map((name) => (name === 'pg_stat_statements' ? 'statements' : name)));
    this.#text = { mode: target.queryText, maxLength: target.queryTextMaxLength };
  }

  async check(): Promise<CheckResult[]> {
    try {
      return await runChecks(this.#target, this.#pool, {
        statementsEnabled: !this.#disabled.has('statements'),
        includeDatabase: this.#includeDatabase,
      });
    } catch (error) {
      return [{ check: 'check', ok: false, detail: `checks could not run: ${error instanceof Error ? error.message : String(error)}` }];
    }
  }

  async collect(category: Category, signal: AbortSignal): Promise<CollectionResultWithCounters> {
    const collection = new Collection(this.#disabled, signal, this.#logger);
    await this.#pool.use(undefined, (conn) => this.#primary(category, conn, collection), signal, collection.clock);
    // Per-database work runs after the primary session is handed back, so one collection never holds two sessions.
    if (category === 'operational') await this.#eachDatabase(collection, signal, (conn, datname) => this.#operationalPerDatabase(conn, datname, collection));
    if (category === 'schema') await this.#eachDatabase(collection, signal, (conn, datname) => this.#schemaPerDatabase(conn, datname, collection));
    return collection.result();
  }

  async close(): Promise<void> {
    await this.#pool.close();
  }

  /** The cluster-wide part of a category, on the primary database's session. */
  async #primary(category: Category, conn: PgConn, c: Collection): Promise<void> {
    c.data['server'] = { version: conn.server.version, version_num: conn.server.versionNum, in_recovery: conn.server.inRecovery };
    switch (category) {
      case 'runtime':
        return this.#runtime(conn, c);
      case 'workload':
        return this.#workload(conn, c);
      case 'operational':
        return this.#operational(conn, c);
      case 'schema':
        return undefined;
    }
  }

  async #runtime(session: PgConn, c: Collection): Promise<void> {
    const v = session.server.versionNum;
    const statements: Record<(typeof POSTGRESQL_COLLECTORS.runtime)[number], string> = {
      sessions: activitySql(v),
      locks: lockWaitsSql(v),
      connections: connectionsSql(v),
      replication: replicationSql,
      replication_slots: replicationSlotsSql(v),
      recovery: recoverySql,
    };
    // Every 10 s per target: one round trip for all of them (see prefetch.ts).
    const conn = await prefetched(session, Object.entries(statements).filter(([name]) => c.enabled(name)).map(([, sql]) => sql));
    await c.run('sessions', async () => {
      c.data['sessions'] = await collectActivity(conn, this.#includeDatabase, this.#text);
    });
    await c.run('locks', async () => {
      const locks = await collectLockWaits(conn);
      c.data['lock_waits'] = locks.lock_waits;
      c.data['blocking_tree'] = locks.blocking_tree;
    });
    await c.run('connections', async () => {
      c.data['connections'] = await collectConnections(conn);
    });
    await c.run('replication', async () => {
      c.data['replication'] = await collectReplication(conn);
    });
    await c.run('replication_slots', async () => {
      c.data['replication_slots'] = await collectReplicationSlots(conn);
    });
    await c.run('recovery', async () => {
      c.data['recovery'] = await collectRecovery(conn);
    });
  }

  async #workload(conn: PgConn, c: Collection): Promise<void> {
    await c.run('database_stats', async () => {
      c.data['database_stats'] = await collectDatabaseStats(conn, this.#includeDatabase);
      c.counters['database_stats'] = databaseStatsCounters(conn.server.versionNum);
    });
    await c.run('statements', async () => {
      const statements = await this.#statements.collect(conn, this.#includeDatabase, this.#text);
      c.data['statements'] = statements.rows;
      c.counters['statements'] = statements.counters;
      if (statements.hidden > 0) {
        c.errors.push({
          collector: 'statements',
          code: 'insufficient_privilege',
          message: `${statements.hidden} statements of other users are hidden from ${conn.server.currentUser}`,
          fix: `GRANT pg_monitor TO ${quoteIdent(conn.server.currentUser)};`,
        });
      }
    });
    await c.run('bgwriter', async () => {
      const stats = await collectBgwriter(conn);
      c.data['bgwriter'] = stats.bgwriter;
      c.data['checkpointer'] = stats.checkpointer;
      c.counters['bgwriter'] = numericCounters(stats.bgwriter);
      c.counters['checkpointer'] = numericCounters(stats.checkpointer);
    });
    await c.run('wal', async () => {
      const wal = await collectWal(conn);
      c.data['wal'] = wal;
      c.counters['wal'] = numericCounters(wal);
    });
    await c.run('archiver', async () => {
      const archiver = await collectArchiver(conn);
      c.data['archiver'] = archiver;
      c.counters['archiver'] = numericCounters(archiver);
    });
  }

  async #operational(conn: PgConn, c: Collection): Promise<void> {
    await c.run('settings', async () => {
      c.data['settings'] = await collectSettings(conn);
    });
    await c.run('roles', async () => {
      c.data['roles'] = await collectRoles(conn);
    });
    await c.run('memberships', async () => {
      c.data['memberships'] = await collectMemberships(conn);
    });
    await c.run('auth', async () => {
      c.data['auth'] = await collectAuthSettings(conn);
    });
    await c.run('databases', async () => {
      c.data['databases'] = await collectDatabases(conn, this.#includeDatabase);
    });
    await c.run('database_privileges', async () => {
      c.data['database_privileges'] = await collectDatabasePrivileges(conn, this.#includeDatabase);
    });
  }

  async #operationalPerDatabase(conn: PgConn, datname: string, c: Collection): Promise<void> {
    const errorName = (name: string) => `${name}:${datname}`.slice(0, 128);
    await c.run('extensions', async () => c.append('extensions', datname, await collectExtensions(conn)), { errorName: errorName('extensions') });
    await c.run('table_maintenance', async () => c.append('table_maintenance', datname, await collectTableMaintenance(conn)), {
      errorName: errorName('table_maintenance'),
    });
    await c.run('table_privileges', async () => c.append('table_privileges', datname, await collectTablePrivileges(conn)), {
      errorName: errorName('table_privileges'),
    });
    await c.run('schema_privileges', async () => c.append('schema_privileges', datname, await collectSchemaPrivileges(conn)), {
      errorName: errorName('schema_privileges'),
    });
  }

  async #schemaPerDatabase(conn: PgConn, datname: string, c: Collection): Promise<void> {
    const opts = (name: string) => ({ required: false, errorName: `${name}:${datname}`.slice(0, 128) });
    c.data['tables'] ??= [];
    await c.run('schemas', async () => c.append('schemas', datname, await collectSchemas(conn)), opts('schemas'));
    await c.run(
      'tables',
      async () => {
        const tables = await collectTables(conn);
        c.append('tables', datname, tables.rows);
        if (tables.warning) c.errors.push({ collector: `tables:${datname}`.slice(0, 128), code: 'lock_timeout', message: tables.warning });
      },
      opts('tables'),
    );
    await c.run('columns', async () => c.append('columns', datname, await collectColumns(conn)), opts('columns'));
    await c.run('indexes', async () => c.append('indexes', datname, await collectIndexes(conn)), opts('indexes'));
    await c.run('constraints', async () => c.append('constraints', datname, await collectConstraints(conn)), opts('constraints'));
    await c.run('foreign_keys', async () => c.append('foreign_keys', datname, await collectForeignKeys(conn)), opts('foreign_keys'));
    await c.run('sequences', async () => c.append('sequences', datname, await collectSequences(conn)), opts('sequences'));
  }

  /**
   * Visits each monitored database one after the other: one session at a time leaves the second for the runtime
   * collector. A database the role may not enter, or that vanished meanwhile, becomes an error entry, not a failure.
   */
  async #eachDatabase(c: Collection, signal: AbortSignal, fn: (conn: PgConn, datname: string) => Promise<void>): Promise<void> {
    const databases = await this.#pool.use(undefined, (conn) => listConnectableDatabases(conn), signal, c.clock);
    for (const { datname, can_connect } of databases) {
      if (!this.#includeDatabase(datname)) continue;
      signal.throwIfAborted();
      if (!can_connect) {
        c.errors.push(
          toCollectorError(
            `database:${datname}`.slice(0, 128),
            new CollectorFailure('insufficient_privilege', `no CONNECT privilege on database ${datname}`, `GRANT CONNECT ON DATABASE ${quoteIdent(datname)} TO ${quoteIdent(this.#target.user ?? 'logstag_monitor')};`),
          ),
        );
        continue;
      }
      try {
        await this.#pool.use(datname, (conn) => fn(conn, datname), signal, c.clock);
      } catch (error) {
        if (signal.aborted) throw signal.reason;
        c.errors.push(toCollectorError(`database:${datname}`.slice(0, 128), error));
      }
    }
  }
}

export const createPostgresqlCollector: CollectorFactory = (target, logger) => new PostgresqlCollector(target, logger);
