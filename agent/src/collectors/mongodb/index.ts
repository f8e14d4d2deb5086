import type { CollectorError, Category } from '@logstag/schema';
import type { Document, MongoClient } from 'mongodb';
import type { CheckResult, CollectionResultWithCounters, CollectorFactory, CollectorLogger, CounterSpec, EngineCollector, TargetSpec } from '../types';
import type { AreaContext, AreaResult } from './area';
import { collectBuildInfo, collectHostInfo } from './build-host-info';
import { checkConnected, connectFailure, grantFix } from './check';
import { createMongoClient, errorCode, errorMessage, isCommandNotFound, isUnauthorized, runCommand } from './client';
import { collectCmdLineOpts } from './cmd-line-opts';
import { collectCollStats, listCollections } from './collections';
import { collectConnPoolStats } from './conn-pool-stats';
import { collectCurrentOp } from './current-op';
import { collectDbStats, listDatabases, SYSTEM_DATABASES } from './databases';
import { indexRows, indexUsage, listIndexes, type IndexUsage } from './indexes';
import { collectOplogWindow } from './oplog-window';
import { collectParameters } from './parameters';
import { collectProfiler, type ProfilerCursor } from './profiler';
import { collectReplicaSetConfig } from './replica-set-config';
import { collectReplicaSetStatus } from './replica-set-status';
import { fetchServerStatus, opcounterSections, serverStatusSections } from './server-status';
import { collectTop } from './top';
import { collectUsersAndRoles } from './users-roles';

/** What the server is, from `hello`: areas that cannot apply (top on mongos, oplog on a standalone) are skipped, not failed. */
interface ServerKind {
  mongos: boolean;
  replicaSet: boolean;
}

/** The payload's error list is capped (schema: 200); one target with thousands of failing collections must not break it. */
const MAX_ERRORS = 100;
/** Profiler entries of the last minute on the first workload run (later runs continue from the newest seen). */
const PROFILER_FIRST_WINDOW_MS = 60_000;

export const createMongodbCollector: CollectorFactory = (target: TargetSpec, logger: CollectorLogger): EngineCollector =>
  new MongodbCollector(target, logger);

class MongodbCollector implements EngineCollector {
  readonly engine = 'mongodb' as const;
  private client: MongoClient | null = null;
  private connecting: Promise<MongoClient> | null = null;
  private kind: ServerKind | null = null;
  private readonly profilerCursor: ProfilerCursor = new Map();

  constructor(
    private readonly target: TargetSpec,
    private readonly logger: CollectorLogger,
  ) {}

  async check(): Promise<CheckResult[]> {
    let client: MongoClient;
    try {
      client = await this.connect();
    } catch (error) {
      return connectFailure(error, this.target);
    }
    try {
      return await checkConnected(client, this.target, (name) => this.enabled(name));
    } catch (error) {
      // checkConnected handles each step; this is the last guard of "never throws".
      return [{ check: 'privilege:clusterMonitor', ok: false, detail: `check failed: ${errorMessage(error)}`, fix: grantFix(this.target.user) }];
    }
  }

  async collect(category: Category, signal: AbortSignal): Promise<CollectionResultWithCounters> {
    const client = await this.connect().catch((error: unknown) => {
      throw new Error(`cannot connect to MongoDB target ${this.target.name}: ${errorMessage(error)}`, { cause: error });
    });
    const kind = this.kind ?? { mongos: false, replicaSet: false };
    const ctx: AreaContext = {
      admin: client.db('admin'),
      db: (name) => client.db(name),
      timeoutMs: this.target.statementTimeoutMs,
      signal,
      includeDatabase: (name) => this.includeDatabase(name),
    };
    const run = new Run(signal, this.logger, this.target.user);
    switch (category) {
      case 'runtime': {
        const status = await run.required('serverStatus', () => fetchServerStatus(ctx));
        run.add(serverStatusSections(status));
        await run.optional('currentOp', this.enabled('currentOp'), () => collectCurrentOp(ctx));
        await run.optional('replicaSetStatus', this.enabled('replicaSetStatus') && kind.replicaSet, () => collectReplicaSetStatus(ctx));
        await run.optional('connPoolStats', this.enabled('connPoolStats'), () => collectConnPoolStats(ctx));
        break;
      }
      case 'workload': {
        const status = await run.required('serverStatus', () => fetchServerStatus(ctx));
        run.add(opcounterSections(status));
        await run.optional('top', this.enabled('top') && !kind.mongos, () => collectTop(ctx));
        if (this.enabled('profiler')) {
          const names = await run.optionalValue('profiler', () => listDatabases(ctx));
          if (names) {
            const dbs = names.map((d) => d.name).filter((n) => n !== 'local' && n !== 'config');
            await run.optional('profiler', true, () => collectProfiler(ctx, dbs, this.profilerCursor, PROFILER_FIRST_WINDOW_MS));
          }
        }
        break;
      }
      case 'operational': {
        await run.optional('buildInfo', this.enabled('buildInfo'), () => collectBuildInfo(ctx));
        await run.optional('hostInfo', this.enabled('hostInfo'), () => collectHostInfo(ctx));
        await run.optional('cmdLineOpts', this.enabled('cmdLineOpts'), () => collectCmdLineOpts(ctx));
        await run.optional('parameters', this.enabled('parameters'), () => collectParameters(ctx));
        await run.optional('replicaSetConfig', this.enabled('replicaSetConfig') && kind.replicaSet, () => collectReplicaSetConfig(ctx));
        await run.optional('oplogWindow', this.enabled('oplogWindow') && kind.replicaSet, () => collectOplogWindow(ctx));
        if (this.enabled('users')) {
          const names = (await run.optionalValue('users', () => listDatabases(ctx))) ?? [];
          await run.optional('users', true, () => collectUsersAndRoles(ctx, names.map((d) => d.name)));
        }
        if (!run.hasData()) throw new Error(`every operational collector failed: ${run.errors.map((e) => `${e.collector}: ${e.message}`).join('; ')}`);
        break;
      }
      case 'schema':
        await this.collectSchema(ctx, run);
        break;
    }
    return run.result();
  }

  /** Databases (required), then per application database its collections, storage stats and indexes (optional each). */
  private async collectSchema(ctx: AreaContext, run: Run): Promise<void> {
    const databases = await run.required('databases', () => listDatabases(ctx));
    const dbRows: Record<string, unknown>[] = [];
    const collections: Record<string, unknown>[] = [];
    const indexes: Record<string, unknown>[] = [];
    for (const database of databases) {
      run.throwIfAborted();
      const stats = await run.optionalValue('dbStats', () => collectDbStats(ctx, database.name));
      dbRows.push({ name: database.name, sizeOnDisk: database.sizeOnDisk, empty: database.empty, ...(stats ?? {}) });
      if (SYSTEM_DATABASES.has(database.name) || !this.enabled('collections')) continue;
      const entries = await run.optionalValue('collections', () => listCollections(ctx, database.name));
      for (const entry of entries ?? []) {
        run.throwIfAborted();
        if (entry.name.startsWith('system.')) continue;
        const storage = entry.type === 'collection' ? await run.optionalValue('collStats', () => collectCollStats(ctx, entry.db, entry.name)) : null;
        collections.push({ db: entry.db, name: entry.name, type: entry.type, options: entry.options, storage });
        if (entry.type !== 'collection' || !this.enabled('indexes')) continue;
        const definitions = (await run.optionalValue('indexes', () => listIndexes(ctx, entry.db, entry.name))) ?? [];
        const usage: Map<string, IndexUsage> | null = await run.optionalValue('indexStats', () => indexUsage(ctx, entry.db, entry.name));
        const sizes = (storage?.indexSizes ?? {}) as Record<string, number>;
        indexes.push(...indexRows(entry.db, entry.name, definitions, usage, sizes));
      }
    }
    run.add({ data: { databases: dbRows, collections, indexes } });
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = null;
    this.connecting = null;
    if (client) await client.close().catch((error: unknown) => this.logger.warn({ err: errorMessage(error) }, 'closing the MongoDB client failed'));
  }

  /** One client per target, connected on first use; a failed connect is not cached, so the next run tries again. */
  private async connect(): Promise<MongoClient> {
    if (this.client) return this.client;
    this.connecting ??= (async () => {
      const client = createMongoClient(this.target);
      try {
        await client.connect();
        this.kind = await serverKind(client, this.target.statementTimeoutMs);
      } catch (error) {
        await client.close().catch(() => undefined);
        throw error;
      }
      this.client = client;
      return client;
    })().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  private enabled(collector: string): boolean {
    return !this.target.disabledCollectors.includes(collector);
  }

  private includeDatabase(name: string): boolean {
    const { include, exclude } = this.target.databases;
    if (exclude.includes(name)) return false;
    return include.length === 0 || include.includes(name);
  }
}

async function serverKind(client: MongoClient, timeoutMs: number): Promise<ServerKind> {
  // https://www.mongodb.com/docs/manual/reference/command/hello/ : `msg: "isdbgrid"` marks mongos, `setName` a replica-set member.
  const hello: Document = await runCommand(client.db('admin'), { hello: 1 }, timeoutMs).catch(() => runCommand(client.db('admin'), { isMaster: 1 }, timeoutMs));
  return { mongos: hello.msg === 'isdbgrid', replicaSet: typeof hello.setName === 'string' };
}

/** Collects sections, counter specs and optional errors of one collection. */
class Run {
  readonly errors: CollectorError[] = [];
  private readonly data: Record<string, unknown> = {};
  private readonly counters: Record<string, CounterSpec> = {};
  private droppedErrors = 0;

  constructor(
    private readonly signal: AbortSignal,
    private readonly logger: CollectorLogger,
    private readonly user: string | undefined,
  ) {}

  throwIfAborted(): void {
    if (this.signal.aborted) throw new Error('collection aborted: the deadline passed');
  }

  add(result: AreaResult): void {
    Object.assign(this.data, result.data);
    Object.assign(this.counters, result.counters ?? {});
  }

  hasData(): boolean {
    return Object.keys(this.data).length > 0;
  }

  /** A required collector's failure fails the whole collection, with the collector named in the message. */
  async required<T>(collector: string, fn: () => Promise<T>): Promise<T> {
    this.throwIfAborted();
    try {
      return await fn();
    } catch (error) {
      throw new Error(`${collector} failed: ${errorMessage(error)}`, { cause: error });
    }
  }

  async optional(collector: string, enabled: boolean, fn: () => Promise<AreaResult>): Promise<void> {
    if (!enabled) return;
    const result = await this.optionalValue(collector, fn);
    if (result) this.add(result);
  }

  /** An optional collector's failure is logged and reported in the payload; `null` lets the caller carry on. */
  async optionalValue<T>(collector: string, fn: () => Promise<T>): Promise<T | null> {
    this.throwIfAborted();
    try {
      return await fn();
    } catch (error) {
      this.fail(collector, error);
      return null;
    }
  }

  private fail(collector: string, error: unknown): void {
    this.logger.warn({ collector, code: errorCode(error) }, `optional collector ${collector} failed`);
    if (this.errors.length >= MAX_ERRORS) {
      this.droppedErrors++;
      return;
    }
    const code = errorCode(error);
    const fix = isUnauthorized(error) ? grantFix(this.user) : undefined;
    const message = isCommandNotFound(error) ? `not supported by this server: ${errorMessage(error)}` : errorMessage(error);
    this.errors.push({ collector, message: message.slice(0, 2000), ...(code ? { code: code.slice(0, 64) } : {}), ...(fix ? { fix } : {}) });
  }

  result(): CollectionResultWithCounters {
    if (this.droppedErrors > 0) this.errors.push({ collector: 'mongodb', message: `${this.droppedErrors} more collector errors not listed` });
    const counters = Object.fromEntries(Object.entries(this.counters).filter(([section]) => section in this.data && this.data[section] !== null));
    return { data: this.data, errors: this.errors, counters };
  }
}
