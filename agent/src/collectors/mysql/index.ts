import type { Category, CollectorError } from '@logstag/schema';
import type {
  CollectionResultWithCounters,
  CollectorFactory,
  CollectorLogger,
  CounterSpec,
  EngineCollector,
  TargetSpec,
} from '../types';
import { collectAccounts } from './accounts';
import { checkMysql, mariadbAccountsViewSql, MYSQL8_ACCOUNT_COLUMNS } from './check';
import { collectColumns } from './columns';
import { MysqlConnections, type MysqlConn } from './connection';
import { QueryClock } from '../query-clock';
import { DIGEST_COUNTERS, DIGEST_KEY, collectDigests } from './digests';
import { asMysqlError, isPermissionError } from './errors';
import { collectConnections, collectGlobalStatus } from './global-status';
import { collectGrants } from './grants';
import { collectIndexes } from './indexes';
import { collectLockWaits } from './lock-waits';
import { collectReplicaStatus } from './replica';
import { collectSessions } from './sessions';
import { collectSchemas, collectTables, tablesWithoutPrimaryKey } from './tables';
import { collectGlobalVariables } from './variables';

interface Section {
  /** The collector name used in errors and `disabled_collectors`. */
  name: string;
  /** A required collector's failure fails the whole collection; an optional one is reported and skipped. */
  required: boolean;
  /** The GRANT (or setting) that fixes a permission failure, for the given grantee. */
  fix?: (conn: MysqlConn) => string;
  run: (conn: MysqlConn, target: TargetSpec, out: Output) => Promise<void>;
}

interface Output {
  data: Record<string, unknown>;
  counters: Record<string, CounterSpec>;
}

const WHO = "'<monitoring user>'@'<host>'";

const SECTIONS: Record<Category, Section[]> = {
  runtime: [
    {
      name: 'sessions',
      required: true,
      fix: () => `GRANT PROCESS ON *.* TO ${WHO};`,
      run: async (c, t, o) => {
        o.data['sessions'] = await collectSessions(c, t);
      },
    },
    {
      name: 'lock_waits',
      required: false,
      fix: () => `GRANT PROCESS ON *.* TO ${WHO};`,
      run: async (c, t, o) => {
        o.data['lockWaits'] = await collectLockWaits(c, t);
      },
    },
    {
      name: 'connections',
      required: false,
      run: async (c, _t, o) => {
        o.data['connections'] = await collectConnections(c);
      },
    },
    {
      name: 'replica_status',
      required: false,
      fix: (c) => `GRANT ${c.flavour.kind === 'mariadb' ? 'SLAVE MONITOR' : 'REPLICATION CLIENT'} ON *.* TO ${WHO};`,
      run: async (c, _t, o) => {
        o.data['replicaStatus'] = await collectReplicaStatus(c);
      },
    },
  ],
  workload: [
    {
      name: 'global_status',
      required: true,
      run: async (c, _t, o) => {
        const status = await collectGlobalStatus(c);
        o.data['globalStatus'] = status.counters;
        o.data['statusGauges'] = status.gauges;
        o.counters['globalStatus'] = { key: [], counters: Object.keys(status.counters) };
      },
    },
    {
      name: 'statement_digests',
      required: false,
      fix: () => `GRANT SELECT ON performance_schema.* TO ${WHO};`,
      run: async (c, t, o) => {
        o.data['statementDigests'] = await collectDigests(c, t);
        o.counters['statementDigests'] = { key: DIGEST_KEY, counters: DIGEST_COUNTERS };
      },
    },
  ],
  operational: [
    {
      name: 'variables',
      required: true,
      run: async (c, _t, o) => {
        const v = await collectGlobalVariables(c);
        o.data['keyVariables'] = v.key;
        o.data['variables'] = v.all;
        o.data['omittedVariables'] = v.omitted;
      },
    },
    {
      name: 'accounts',
      required: false,
      fix: (c) =>
        c.flavour.kind === 'mariadb'
          ? mariadbAccountsViewSql(WHO)
          : `GRANT SELECT (${MYSQL8_ACCOUNT_COLUMNS}) ON mysql.user TO ${WHO};`,
      run: async (c, _t, o) => {
        o.data['accounts'] = await collectAccounts(c);
      },
    },
    {
      name: 'grants',
      required: false,
      fix: (c) =>
        (c.flavour.kind === 'mariadb'
          ? ['mysql.db', 'mysql.tables_priv', 'mysql.roles_mapping']
          : ['mysql.db', 'mysql.tables_priv', 'mysql.role_edges', 'mysql.global_grants']
        )
          .map((t) => `GRANT SELECT ON ${t} TO ${WHO};`)
          .join('\n'),
      run: async (c, _t, o) => {
        o.data['grants'] = await collectGrants(c);
      },
    },
  ],
  schema: [
    {
      name: 'tables',
      required: true,
      run: async (c, t, o) => {
        o.data['schemas'] = await collectSchemas(c, t);
        const tables = await collectTables(c, t);
        o.data['tables'] = tables;
        o.data['tablesWithoutPrimaryKey'] = tablesWithoutPrimaryKey(tables);
      },
    },
    {
      name: 'columns',
      required: false,
      run: async (c, t, o) => {
        o.data['columns'] = await collectColumns(c, t);
      },
    },
    {
      name: 'indexes',
      required: false,
      fix: () => `GRANT SELECT ON performance_schema.* TO ${WHO};`,
      run: async (c, t, o) => {
        o.data['indexes'] = await collectIndexes(c, t);
      },
    },
  ],
};

/**
 * MySQL 8 and MariaDB 10.5+ (reported as engine `mysql`, flavour in `data.server`). Catalog and statistics views only:
 * no statement here reads an application table.
 */
export const createMysqlCollector: CollectorFactory = (target, logger) => new MysqlCollector(target, logger);

class MysqlCollector implements EngineCollector {
  readonly engine = 'mysql' as const;
  private readonly connections: MysqlConnections;

  constructor(
    private readonly target: TargetSpec,
    private readonly logger: CollectorLogger,
  ) {
    this.connections = new MysqlConnections(target);
  }

  check() {
    return checkMysql(this.connections, this.target);
  }

  async collect(category: Category, signal: AbortSignal): Promise<CollectionResultWithCounters> {
    signal.throwIfAborted();
    const out: Output = { data: {}, counters: {} };
    const errors: CollectorError[] = [];
    const clock = new QueryClock();
    await this.connections.withConnection(async (conn) => {
      out.data['server'] = { flavour: conn.flavour.kind, version: conn.flavour.version };
      for (const section of SECTIONS[category]) {
        if (this.target.disabledCollectors.includes(section.name)) continue;
        signal.throwIfAborted();
        try {
          await section.run(conn, this.target, out);
        } catch (err) {
          if (section.required || signal.aborted) throw err;
          const e = asMysqlError(err);
          this.logger.warn({ collector: section.name, code: e.code }, 'optional collector failed');
          errors.push({
            collector: section.name,
            message: e.message.slice(0, 2000),
            ...(e.code ? { code: e.code.slice(0, 64) } : {}),
            ...(section.fix && isPermissionError(err) ? { fix: section.fix(conn) } : {}),
          });
        }
      }
    }, clock);
    return { data: out.data, errors, counters: out.counters, timing: clock.timing() };
  }

  close(): Promise<void> {
    return this.connections.close();
  }
}
