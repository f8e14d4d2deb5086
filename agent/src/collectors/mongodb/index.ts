import type { Category } from '@logstag/schema/core';
import type { Document, MongoClient } from 'mongodb';
import { Collection } from '../collection';
import type { CheckResult, CollectionResultWithCounters, CollectorFactory, CollectorLogger, EngineCollector, TargetSpec } from '../types';
import { checkConnected, connectFailure, grantFix } from './check';
import { createMongoClient, errorMessage, readMongodbFailure, runCommand } from './client';
import type { ProfilerCursor } from './profiler';
import type { MongodbContext, ServerKind } from './step-context';
import { MONGODB_STEPS } from './steps';

/** The payload's error list is capped (schema: 200); one target with thousands of failing collections must not break it. */
const MAX_ERRORS = 100;

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
    const ctx: MongodbContext = {
      admin: client.db('admin'),
      db: (name) => client.db(name),
      timeoutMs: this.target.statementTimeoutMs,
      signal,
      includeDatabase: (name) => this.includeDatabase(name),
      kind: this.kind ?? { mongos: false, replicaSet: false },
      user: this.target.user,
      profilerCursor: this.profilerCursor,
    };
    const collection = new Collection({
      category,
      signal,
      logger: this.logger,
      disabled: this.target.disabledCollectors,
      readFailure: readMongodbFailure,
      // Commands are not timed one by one here: no database time is logged for MongoDB collections.
      timed: false,
      maxErrors: MAX_ERRORS,
      overflowCollector: 'mongodb',
    });
    return collection.collect(async () => {
      await collection.runSteps(MONGODB_STEPS, ctx);
      // Every operational step is optional, but a payload with none of them says nothing: it fails instead.
      if (category === 'operational' && Object.keys(collection.data).length === 0) {
        throw new Error(`every operational collector failed: ${collection.errors.map((e) => `${e.collector}: ${e.message}`).join('; ')}`);
      }
    });
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
