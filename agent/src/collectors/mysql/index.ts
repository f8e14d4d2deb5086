import type { Category } from '@logstag/schema/core';
import { Collection } from '../collection';
import type { CollectionResultWithCounters, CollectorFactory, CollectorLogger, EngineCollector, TargetSpec } from '../types';
import { checkMysql } from './check';
import { MysqlConnections } from './connection';
import { DigestReader } from './digests';
import { readMysqlFailure } from './errors';
import { schemaScope, type SchemaScope } from './schema-filter';
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
  private readonly inScope: SchemaScope;

  constructor(
    private readonly target: TargetSpec,
    private readonly logger: CollectorLogger,
  ) {
    this.connections = new MysqlConnections(target);
    this.inScope = schemaScope(target.databases);
    this.digests = new DigestReader(target, this.inScope);
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
        await collection.runSteps(MYSQL_STEPS, { conn, target, digests: this.digests, inScope: this.inScope });
      }, collection.clock),
    );
  }

  close(): Promise<void> {
    return this.connections.close();
  }
}
