import type { Category } from '@logstag/schema/core';
import { Collection } from '../collection';
import { databaseMatcher } from '../databases-filter';
import type { CollectionResultWithCounters, CollectorFactory, CollectorLogger, EngineCollector, TargetSpec } from '../types';
import { checkMysql } from './check';
import { MysqlConnections } from './connection';
import { DigestReader } from './digests';
import { readMysqlFailure } from './errors';
import { MYSQL_STEPS } from './steps';

/**
 * MySQL 8 and MariaDB 10.5+ (reported as engine `mysql`, flavour in `data.server`). Catalog and statistics views only:
 * no statement here reads an application table.
 */
export const createMysqlCollector: CollectorFactory = (target, logger) => new MysqlCollector(target, logger);

class MysqlCollector implements EngineCollector {
  readonly engine = 'mysql' as const;
  private readonly connections: MysqlConnections;
  private readonly digests: DigestReader;
  private readonly includeSchema: (name: string) => boolean;

  constructor(
    private readonly target: TargetSpec,
    private readonly logger: CollectorLogger,
  ) {
    this.connections = new MysqlConnections(target);
    this.includeSchema = databaseMatcher(target.databases);
    this.digests = new DigestReader(target, this.includeSchema);
  }

  check() {
    return checkMysql(this.connections, this.target);
  }

  async collect(category: Category, signal: AbortSignal): Promise<CollectionResultWithCounters> {
    signal.throwIfAborted();
    const { target, logger } = this;
    const collection = new Collection({ category, signal, logger, disabled: target.disabledCollectors, readFailure: readMysqlFailure });
    return collection.collect(() =>
      this.connections.withConnection(async (conn) => {
        collection.data['server'] = { flavour: conn.flavour.kind, version: conn.flavour.version };
        await collection.runSteps(MYSQL_STEPS, { conn, target, digests: this.digests, includeSchema: this.includeSchema });
      }, collection.clock),
    );
  }

  close(): Promise<void> {
    return this.connections.close();
  }
}
