import type { Category } from '@logstag/schema/core';
import { Collection } from '../collection';
import type { CheckResult, CollectionResultWithCounters, CollectorFactory, CollectorLogger, EngineCollector, TargetSpec } from '../types';
import type { QueryTextOptions } from './activity';
import { runChecks } from './check';
import { listConnectableDatabases } from './databases';
import { databaseMatcher } from '../databases-filter';
import { quoteIdent, readPostgresqlFailure } from './failure';
import { TargetPool, type PgConn } from './pool';
import { prefetched } from './prefetch';
import { StatementsCollector } from './statements';
import { POSTGRESQL_DATABASE_STEPS, POSTGRESQL_STEPS } from './steps';

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
    const collection = new Collection({ category, signal, logger: this.#logger, disabled: this.#disabled, readFailure: readPostgresqlFailure });
    return collection.collect(async () => {
      await this.#pool.use(undefined, (conn) => this.#cluster(conn, collection), signal, collection.clock);
      // Per-database work runs after the primary session is handed back, so one collection never holds two sessions.
      if (category === 'operational' || category === 'schema') {
        await this.#eachDatabase(collection, signal, async (conn, datname) => {
          // A visited database's tables are a section even when they cannot be read: the schema snapshot is about it.
          if (category === 'schema') collection.data['tables'] ??= [];
          await collection.runSteps(POSTGRESQL_DATABASE_STEPS, { conn, datname }, datname);
        });
      }
    });
  }

  async close(): Promise<void> {
    await this.#pool.close();
  }

  /** The cluster-wide steps of a category, on the primary database's session. */
  async #cluster(session: PgConn, c: Collection): Promise<void> {
    c.data['server'] = { version: session.server.version, version_num: session.server.versionNum, in_recovery: session.server.inRecovery };
    const steps = POSTGRESQL_STEPS.filter((step) => step.category === c.category && c.enabled(step.name));
    // Every 10 s per target: one round trip for all the runtime statements (see prefetch.ts).
    const ahead = steps.flatMap((step) => (step.prefetch ? [step.prefetch(session.server.versionNum)] : []));
    const conn = ahead.length > 0 ? await prefetched(session, ahead) : session;
    await c.runSteps(steps, { conn, includeDatabase: this.#includeDatabase, text: this.#text, statements: this.#statements });
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
        c.report({
          collector: `database:${datname}`.slice(0, 128),
          code: 'insufficient_privilege',
          message: `no CONNECT privilege on database ${datname}`,
          fix: `GRANT CONNECT ON DATABASE ${quoteIdent(datname)} TO ${quoteIdent(this.#target.user ?? 'logstag_monitor')};`,
        });
        continue;
      }
      try {
        await this.#pool.use(datname, (conn) => fn(conn, datname), signal, c.clock);
      } catch (error) {
        if (signal.aborted) throw signal.reason;
        c.report(c.entry(`database:${datname}`.slice(0, 128), error));
      }
    }
  }
}

export const createPostgresqlCollector: CollectorFactory = (target, logger) => new PostgresqlCollector(target, logger);
