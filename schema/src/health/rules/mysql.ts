// MySQL 8 and MariaDB rules. They read the variables snapshot (SHOW GLOBAL VARIABLES), the accounts and grants
// snapshot, the schema snapshot (tables, indexes with their columns), the globalStatus.* deltas and statusGauges.*
// values, the runtime snapshots and the statement digests' totals.
import type { HealthItem } from '../input';
import { engineRules, type FindingDraft, type RuleContext } from '../rule';
import { eolCheck } from './eol';
import { excerpt, GB, isOff, isOn, longestSessions, MB, num, pct, requireSetting, settingCheck, settingFinding } from './helpers';

const SYSTEM_SCHEMAS = new Set(['mysql', 'information_schema', 'performance_schema', 'sys', 'logstag']);
const userTable = (t: HealthItem) => !SYSTEM_SCHEMAS.has(t.name.split('.')[0] ?? '') && t.def.type !== 'VIEW' && t.def.type !== 'SYSTEM VIEW';

/** A status counter's sum over the window (globalStatus.* deltas); skipped when none was stored. */
function counter(ctx: RuleContext, name: string): number {
  const s = ctx.series(`globalStatus.${name}`)[0];
  if (!s || s.windowSum === null) return ctx.skip(`status counter ${name} not stored in the report window`);
  return s.windowSum;
}
function gauge(ctx: RuleContext, name: string): number {
  const v = ctx.value(`statusGauges.${name}`);
  if (v === null) return ctx.skip(`status value ${name} not stored`);
  return v;
}
const ratioFinding = (object: string, message: string, evidence: FindingDraft['evidence']): FindingDraft[] => [{ object, message, evidence }];

function indexColumns(i: HealthItem): string[] {
  return Array.isArray(i.def.columns) ? (i.def.columns as Array<{ name?: string | null; subPart?: number | null }>).map((c) => `${c.name ?? '?'}${c.subPart ? `(${c.subPart})` : ''}`) : [];
}
function indexesByTable(ctx: RuleContext): Map<string, HealthItem[]> {
  const m = new Map<string, HealthItem[]>();
  for (const i of ctx.items('schema', 'index')) {
    const table = i.name.slice(0, i.name.lastIndexOf('.'));
    m.set(table, [...(m.get(table) ?? []), i]);
  }
  return m;
}

const accounts = (ctx: RuleContext) => ctx.items('access', 'user');
const privsOf = (a: HealthItem): string[] => (Array.isArray(a.def.globalPrivileges) ? (a.def.globalPrivileges as string[]) : []);
/** Plugins that authenticate with a password: an account on one of them without a password is open (unix_socket, gssapi, pam are not). */
const PASSWORD_PLUGINS = new Set(['', 'mysql_native_password', 'mysql_old_password', 'ed25519', 'caching_sha2_password', 'sha256_password']);
const isAdminName = (name: string) => /^(root|mariadb\.sys|mysql\.(sys|session|infoschema))@|^mysql@localhost$/.test(name);

export const MYSQL_RULES = engineRules('mysql', [
  // ---------- performance ----------
  {
    id: 'mysql.performance.connections-used', title: 'Connections near max_connections', category: 'performance', severity: 'high', frequency: 'frequent',
    needs: ['settings', 'series:statusGauges.'], thresholds: { percent: 85 }, evidence: 'Max_used_connections against max_connections',
    explanation: 'The server has been close to refusing connections ("Too many connections").',
    fix: 'Pool connections in the application; raise max_connections only with the memory per connection to match.', anchor: 'MySQLTuner "Highest usage of available connections" (85 %); PMM advisor mysql_max_connections',
    check: (ctx) => {
      const max = num(requireSetting(ctx, 'max_connections')) ?? 0;
      const used = gauge(ctx, 'Max_used_connections');
      return pct(used, max) >= ctx.t('percent') ? ratioFinding('max_connections', `${used} of ${max} connections used at peak`, { maxUsedConnections: used, maxConnections: max }) : [];
    },
  },
  {
    id: 'mysql.performance.aborted-connections', title: 'Aborted connection attempts', category: 'performance', severity: 'medium',
    needs: ['series:globalStatus.Aborted_connects'], thresholds: { percent: 3, minConnections: 100 }, evidence: 'Aborted_connects / Connections over the window',
    explanation: 'Failed handshakes: wrong passwords, missing privileges, clients timing out or connection storms.',
    fix: 'Read the error log (log_warnings = 2 / log_error_verbosity = 3) for the clients and reasons; check connect_timeout.', anchor: 'MySQLTuner "Aborted connections" (3 %)',
    check: (ctx) => {
      const aborted = counter(ctx, 'Aborted_connects');
      const total = counter(ctx, 'Connections');
      return total >= ctx.t('minConnections') && pct(aborted, total) >= ctx.t('percent') ? ratioFinding('server', `${pct(aborted, total)} % of connection attempts aborted`, { abortedConnects: aborted, connections: total }) : [];
    },
  },
  {
    id: 'mysql.performance.tmp-disk-tables', title: 'Temporary tables written to disk', category: 'performance', severity: 'medium',
    needs: ['series:globalStatus.Created_tmp_disk_tables'], thresholds: { percent: 25, minTables: 100 }, evidence: 'Created_tmp_disk_tables / Created_tmp_tables over the window',
    explanation: 'Implicit temporary tables that exceed tmp_table_size (or hold BLOB/TEXT) go to disk and slow the statement down.',
    fix: 'SET GLOBAL tmp_table_size = 64*1024*1024; SET GLOBAL max_heap_table_size = 64*1024*1024; and avoid TEXT columns in GROUP BY/ORDER BY.', anchor: 'MySQLTuner "Temporary tables created on disk" (25 %)',
    check: (ctx) => {
      const disk = counter(ctx, 'Created_tmp_disk_tables');
      const all = counter(ctx, 'Created_tmp_tables');
      return all >= ctx.t('minTables') && pct(disk, all) >= ctx.t('percent') ? ratioFinding('tmp_table_size', `${pct(disk, all)} % of temporary tables went to disk`, { diskTables: disk, tables: all }) : [];
    },
  },
  {
    id: 'mysql.performance.buffer-pool-hit', title: 'InnoDB buffer pool read efficiency low', category: 'performance', severity: 'medium',
    needs: ['series:globalStatus.Innodb_buffer_pool_reads'], thresholds: { percent: 99, minRequests: 10_000 }, evidence: 'Innodb_buffer_pool_reads / Innodb_buffer_pool_read_requests over the window',
    explanation: 'Reads that miss the buffer pool go to disk: the working set does not fit.',
    fix: 'SET GLOBAL innodb_buffer_pool_size = <bytes>; (resizable online) towards 70 % of RAM on a dedicated server.', anchor: 'MySQLTuner "InnoDB Read buffer efficiency"; PMM advisor mysql_innodb_buffer_pool_hit',
    check: (ctx) => {
      const misses = counter(ctx, 'Innodb_buffer_pool_reads');
      const requests = counter(ctx, 'Innodb_buffer_pool_read_requests');
      if (requests < ctx.t('minRequests')) return [];
      const hit = 100 - pct(misses, requests);
      return hit < ctx.t('percent') ? ratioFinding('innodb_buffer_pool_size', `buffer pool hit rate ${hit.toFixed(1)} %`, { reads: misses, readRequests: requests }) : [];
    },
  },
  {
    id: 'mysql.performance.buffer-pool-small', title: 'Buffer pool smaller than InnoDB data and indexes', category: 'performance', severity: 'medium',
    needs: ['settings', 'schema'], evidence: 'innodb_buffer_pool_size against the sum of InnoDB tables\' data and index length',
    explanation: 'When the data and indexes do not fit the buffer pool, every pass over cold rows reads the disk.',
    fix: 'SET GLOBAL innodb_buffer_pool_size = <data + indexes, within RAM>; and persist it in my.cnf.', anchor: 'MySQLTuner "InnoDB buffer pool / data size"; issue 17 example',
    check: (ctx) => {
      const pool = num(requireSetting(ctx, 'innodb_buffer_pool_size')) ?? 0;
      const total = ctx.items('schema', 'table').filter((t) => String(t.def.engine ?? '').toLowerCase() === 'innodb').reduce((a, t) => a + (num(t.stats?.dataLength) ?? 0) + (num(t.stats?.indexLength) ?? 0), 0);
      return total > pool ? [settingFinding('innodb_buffer_pool_size', String(pool), `buffer pool ${(pool / MB).toFixed(0)} MB < InnoDB data and indexes ${(total / MB).toFixed(0)} MB`, { innodbBytes: total })] : [];
    },
  },
  {
    id: 'mysql.performance.rows-examined', title: 'Statements examining far more rows than they return', category: 'performance', severity: 'medium',
    needs: ['statements'], thresholds: { ratio: 100, minExamined: 100_000 }, evidence: 'statement digests: rows examined against rows sent and affected, over the window',
    explanation: 'A statement that reads hundreds of rows per row it returns is scanning: a missing or unusable index.',
    fix: 'EXPLAIN the statement (Query Explorer) and add the index its WHERE/JOIN needs: ALTER TABLE <t> ADD INDEX (<columns>);', anchor: 'PMM Query Analytics "Rows examined"; issue 17 example (full scans in digests)',
    check: (ctx) => ctx.statements.filter((s) => s.blocksRead >= ctx.t('minExamined') && s.blocksRead / Math.max(1, s.rows) >= ctx.t('ratio'))
      .map((s) => ({ object: s.fingerprint, message: `examined ${s.blocksRead} rows for ${s.rows} returned over ${s.calls} calls`, evidence: { rowsExamined: s.blocksRead, rows: s.rows, calls: s.calls, query: excerpt(s.text) } })),
  },
  {
    id: 'mysql.performance.full-scan-digests', title: 'Statements doing full table scans', category: 'performance', severity: 'medium', needs: ['statements'],
    evidence: 'statement digests: SUM_NO_INDEX_USED, SUM_SELECT_SCAN', explanation: 'Digests that ran without any index scan whole tables.',
    fix: 'EXPLAIN the statement and add the missing index.', anchor: 'sys.statements_with_full_table_scans; issue 17 example',
    thresholds: { percent: 50, minCalls: 100 },
    check: (ctx) => {
      if (!ctx.statements.some((s) => s.noIndexUsed !== undefined && s.noIndexUsed !== null)) return ctx.skip('the digests\' full-scan counters are not stored for this target (stored from issue 14 on)');
      return ctx.statements.filter((s) => s.calls >= ctx.t('minCalls') && pct(s.noIndexUsed ?? 0, s.calls) >= ctx.t('percent'))
        .map((s) => ({ object: s.fingerprint, message: `${pct(s.noIndexUsed ?? 0, s.calls)} % of ${s.calls} runs used no index`, evidence: { noIndexUsed: s.noIndexUsed ?? null, fullScans: s.fullScans ?? null, calls: s.calls, query: excerpt(s.text) } }));
    },
  },
  {
    id: 'mysql.performance.slow-statements', title: 'Slow statements', category: 'performance', severity: 'medium',
    needs: ['statements'], thresholds: { meanMs: 1000, minCalls: 10 }, evidence: 'statement digests: mean time over the window',
    explanation: 'Statements averaging over long_query_time\'s usual 1 s dominate response times.',
    fix: 'EXPLAIN ANALYZE the statement; add indexes or rewrite.', anchor: 'MySQLTuner "Slow queries"; PMM Query Analytics',
    check: (ctx) => ctx.statements.filter((s) => s.calls >= ctx.t('minCalls') && s.totalTimeMs / s.calls >= ctx.t('meanMs'))
      .map((s) => ({ object: s.fingerprint, message: `${(s.totalTimeMs / s.calls).toFixed(0)} ms mean over ${s.calls} calls`, evidence: { meanMs: Math.round(s.totalTimeMs / s.calls), calls: s.calls, query: excerpt(s.text) } })),
  },
  {
    id: 'mysql.performance.slow-query-rate', title: 'Many slow queries', category: 'performance', severity: 'low',
    needs: ['series:globalStatus.Slow_queries'], thresholds: { percent: 5, minQuestions: 1_000 }, evidence: 'Slow_queries / Questions over the window',
    explanation: 'A large share of statements exceeds long_query_time.', fix: 'Enable the slow log and work through its top statements (pt-query-digest).', anchor: 'MySQLTuner "Slow queries" (5 %)',
    check: (ctx) => {
      const slow = counter(ctx, 'Slow_queries');
      const q = counter(ctx, 'Questions');
      return q >= ctx.t('minQuestions') && pct(slow, q) >= ctx.t('percent') ? ratioFinding('server', `${pct(slow, q)} % of statements were slow`, { slowQueries: slow, questions: q }) : [];
    },
  },
  {
    id: 'mysql.performance.table-cache', title: 'Table open cache too small', category: 'performance', severity: 'low',
    needs: ['series:globalStatus.Opened_tables', 'settings'], thresholds: { perHour: 100 }, evidence: 'Opened_tables over the window; table_open_cache',
    explanation: 'Tables opened again and again mean the cache evicts them: each open costs a file open and metadata reads.',
    fix: 'SET GLOBAL table_open_cache = <2 × Open_tables peak>; persist in my.cnf.', anchor: 'MySQLTuner "Table cache hit rate"',
    check: (ctx) => {
      const opened = counter(ctx, 'Opened_tables');
      const perHour = opened / ctx.input.windowHours;
      return perHour >= ctx.t('perHour') ? [settingFinding('table_open_cache', requireSetting(ctx, 'table_open_cache'), `${perHour.toFixed(0)} tables opened per hour`, { openedTables: opened })] : [];
    },
  },
  {
    id: 'mysql.performance.thread-cache', title: 'Thread cache misses', category: 'performance', severity: 'low',
    needs: ['series:globalStatus.Threads_created', 'settings'], thresholds: { percent: 50, minConnections: 100 }, evidence: 'Threads_created / Connections over the window',
    explanation: 'Each connection that finds no cached thread creates one: costly under connection churn.',
    fix: 'SET GLOBAL thread_cache_size = 100;', anchor: 'MySQLTuner "Thread cache hit rate" (50 %)',
    check: (ctx) => {
      const created = counter(ctx, 'Threads_created');
      const conns = counter(ctx, 'Connections');
      return conns >= ctx.t('minConnections') && pct(created, conns) >= ctx.t('percent') ? [settingFinding('thread_cache_size', requireSetting(ctx, 'thread_cache_size'), `${pct(created, conns)} % of connections created a thread`)] : [];
    },
  },
  {
    id: 'mysql.performance.joins-without-index', title: 'Joins without indexes', category: 'performance', severity: 'medium',
    needs: ['series:globalStatus.Select_full_join'], thresholds: { perDay: 250 }, evidence: 'Select_full_join over the window',
    explanation: 'Joins that scan the joined table for every row: a missing index on the join column.',
    fix: 'Find them in the digests (Query Explorer) and index the join columns.', anchor: 'MySQLTuner "Joins performed without indexes" (250/day)',
    check: (ctx) => {
      const n = counter(ctx, 'Select_full_join');
      const perDay = (n * 24) / ctx.input.windowHours;
      return perDay >= ctx.t('perDay') ? ratioFinding('server', `${perDay.toFixed(0)} joins without an index per day`, { fullJoins: n }) : [];
    },
  },
  {
    id: 'mysql.performance.sort-merge-passes', title: 'Sorts spilling to disk', category: 'performance', severity: 'low',
    needs: ['series:globalStatus.Sort_merge_passes'], thresholds: { percent: 10, minSorts: 1_000 }, evidence: 'Sort_merge_passes against Sort_scan + Sort_range',
    explanation: 'Merge passes mean a sort did not fit sort_buffer_size.', fix: 'Index for the ORDER BY, or raise sort_buffer_size for the session.', anchor: 'MySQLTuner "Sorts requiring temporary tables"',
    check: (ctx) => {
      const passes = counter(ctx, 'Sort_merge_passes');
      const sorts = counter(ctx, 'Sort_scan') + counter(ctx, 'Sort_range');
      return sorts >= ctx.t('minSorts') && pct(passes, sorts) >= ctx.t('percent') ? ratioFinding('sort_buffer_size', `${pct(passes, sorts)} % of sorts needed merge passes`, { mergePasses: passes, sorts }) : [];
    },
  },
  {
    id: 'mysql.performance.row-lock-waits', title: 'Long InnoDB row lock waits', category: 'performance', severity: 'medium',
    needs: ['series:globalStatus.Innodb_row_lock_waits'], thresholds: { meanMs: 500 }, evidence: 'Innodb_row_lock_time / Innodb_row_lock_waits over the window',
    explanation: 'Transactions wait long for row locks: long transactions or hot rows.', fix: 'Shorten transactions; look at the blockers in the Activity Explorer; SET GLOBAL innodb_lock_wait_timeout for fail-fast.', anchor: 'PMM advisor mysql_innodb_row_lock',
    check: (ctx) => {
      const waits = counter(ctx, 'Innodb_row_lock_waits');
      const time = counter(ctx, 'Innodb_row_lock_time');
      return waits > 0 && time / waits >= ctx.t('meanMs') ? ratioFinding('server', `${waits} row lock waits, ${(time / waits).toFixed(0)} ms on average`, { waits, timeMs: time }) : [];
    },
  },
  {
    id: 'mysql.performance.deadlocks', title: 'InnoDB deadlocks', category: 'performance', severity: 'medium',
    needs: ['series:globalStatus.Innodb_deadlocks'], evidence: 'Innodb_deadlocks over the window', versions: 'MariaDB, and MySQL 8 via Innodb_deadlocks where exposed',
    explanation: 'Each deadlock rolls a transaction back.', fix: 'SET GLOBAL innodb_print_all_deadlocks = ON; read the error log and take locks in one order.', anchor: 'awesome-prometheus-alerts MysqlInnodbDeadlocks',
    check: (ctx) => {
      const n = counter(ctx, 'Innodb_deadlocks');
      return n > 0 ? ratioFinding('server', `${n} deadlocks in ${ctx.input.windowHours} h`, { deadlocks: n }) : [];
    },
  },
  {
    id: 'mysql.performance.log-waits', title: 'InnoDB log buffer waits', category: 'performance', severity: 'low',
    needs: ['series:globalStatus.Innodb_log_waits'], evidence: 'Innodb_log_waits over the window',
    explanation: 'Transactions waited for space in the log buffer.', fix: 'SET GLOBAL innodb_log_buffer_size = 64*1024*1024; (MySQL 8; MariaDB: in my.cnf, restart)', anchor: 'MySQLTuner "InnoDB log waits"',
    check: (ctx) => {
      const n = counter(ctx, 'Innodb_log_waits');
      return n > 0 ? ratioFinding('innodb_log_buffer_size', `${n} log buffer waits`, { logWaits: n }) : [];
    },
  },
  {
    id: 'mysql.performance.long-running', title: 'Long-running statements', category: 'performance', severity: 'medium', frequency: 'frequent',
    needs: ['activity'], thresholds: { seconds: 60 }, evidence: 'processlist sessions running a Query in every runtime snapshot of the window',
    explanation: 'Statements running for minutes hold locks and undo history.', fix: 'KILL QUERY <id>; set max_execution_time (MySQL 8) / max_statement_time (MariaDB).', anchor: 'PgHero long running queries (60 s), applied to MySQL; pt-kill',
    check: (ctx) => longestSessions(ctx, (s) => s.state === 'Query' && (s.durationSeconds ?? 0) >= ctx.t('seconds'))
      .map(({ s }) => ({ object: `${s.user ?? ''}:${s.id}`, message: `statement ran ${Math.round(s.durationSeconds ?? 0)} s`, evidence: { id: s.id, seconds: s.durationSeconds, query: excerpt(s.query) } })),
  },
  {
    id: 'mysql.performance.lock-waits', title: 'Sessions blocked by locks', category: 'performance', severity: 'medium', frequency: 'frequent',
    needs: ['activity'], thresholds: { seconds: 10 }, evidence: 'InnoDB lock waits in every runtime snapshot of the window',
    explanation: 'A blocker holds rows others need.', fix: 'Find the blocker (sys.innodb_lock_waits) and end it: KILL <blocking id>;', anchor: 'sys.innodb_lock_waits; PMM advisor',
    check: (ctx) => {
      const worst = new Map<string, { wait: number; by: string[]; object: string | null }>();
      for (const a of ctx.activity) for (const w of a.lockWaits) if ((w.waitSeconds ?? 0) >= ctx.t('seconds') && (worst.get(w.id)?.wait ?? -1) < (w.waitSeconds ?? 0)) worst.set(w.id, { wait: w.waitSeconds ?? 0, by: w.blockedBy, object: w.object });
      return [...worst].map(([id, w]) => ({ object: `thread ${id}`, message: `waited ${Math.round(w.wait)} s for ${w.object ?? 'a lock'}`, evidence: { waitSeconds: w.wait, blockedBy: w.by.join(','), lockedObject: w.object } }));
    },
  },
  {
    id: 'mysql.performance.replica-lag', title: 'Replica lag', category: 'performance', severity: 'high', frequency: 'frequent',
    needs: ['activity'], thresholds: { seconds: 5 }, evidence: 'Seconds_Behind_Source per channel in the runtime snapshots',
    explanation: 'The replica serves stale reads and would lose that much on failover.', fix: 'Enable parallel replication (replica_parallel_workers / slave_parallel_threads); check long transactions on the source.', anchor: 'PgHero replica lag (5 s); PMM advisor mysql_replication_lag',
    check: (ctx) => {
      const worst = new Map<string, number>();
      for (const a of ctx.activity) for (const r of a.replication) if ((r.lagSeconds ?? 0) >= ctx.t('seconds')) worst.set(r.name, Math.max(worst.get(r.name) ?? 0, r.lagSeconds ?? 0));
      return [...worst].map(([name, lag]) => ({ object: name, message: `replica ${lag} s behind`, evidence: { lagSeconds: lag } }));
    },
  },
  {
    id: 'mysql.performance.replica-stopped', title: 'Replication threads stopped', category: 'performance', severity: 'critical', frequency: 'frequent',
    needs: ['activity'], evidence: 'Replica_IO_Running / Replica_SQL_Running per channel in the latest runtime snapshot',
    explanation: 'A stopped I/O or SQL thread means the replica no longer follows its source.', fix: 'SHOW REPLICA STATUS\\G for Last_IO_Error / Last_SQL_Error; fix, then START REPLICA;', anchor: 'PMM advisor mysql_replication_status; awesome-prometheus-alerts MysqlSlaveIoThreadNotRunning',
    check: (ctx) => (ctx.activity.at(-1)?.replication ?? []).filter((r) => /=(No|OFF)/i.test(r.state ?? '')).map((r) => ({ object: r.name, message: `replication ${r.state}`, evidence: { state: r.state } })),
  },
  {
    id: 'mysql.performance.query-cache', title: 'Query cache enabled', category: 'performance', severity: 'medium', needs: ['settings'],
    evidence: 'query_cache_type, query_cache_size', versions: 'MariaDB and MySQL 5.7 (removed in MySQL 8)', applies: (v) => v.flavor === 'mariadb' || v.major < 8,
    explanation: 'The query cache serialises writers on one mutex and is invalidated by every write to a table: it slows most workloads.',
    fix: 'SET GLOBAL query_cache_type = OFF; SET GLOBAL query_cache_size = 0;', anchor: 'MySQLTuner "Query cache"; PMM advisor mysql_query_cache',
    check: (ctx) => {
      const type = requireSetting(ctx, 'query_cache_type');
      const size = num(ctx.setting('query_cache_size')) ?? 0;
      return (isOn(type) || type === 'DEMAND') && size > 0 ? [settingFinding('query_cache_type', type, `query cache enabled (${(size / MB).toFixed(0)} MB)`)] : [];
    },
  },
  {
    id: 'mysql.performance.tmp-table-size-mismatch', title: 'tmp_table_size and max_heap_table_size differ', category: 'performance', severity: 'low', needs: ['settings'],
    evidence: 'tmp_table_size, max_heap_table_size', explanation: 'The smaller of the two limits in-memory temporary tables; raising one alone does nothing.',
    fix: 'SET GLOBAL tmp_table_size = X; SET GLOBAL max_heap_table_size = X;', anchor: 'MySQLTuner "tmp_table_size / max_heap_table_size"',
    check: (ctx) => {
      const a = requireSetting(ctx, 'tmp_table_size');
      const b = requireSetting(ctx, 'max_heap_table_size');
      return a !== b ? [settingFinding('tmp_table_size', a, `tmp_table_size ${a} ≠ max_heap_table_size ${b}`, { maxHeapTableSize: b })] : [];
    },
  },
  {
    id: 'mysql.performance.unused-index', title: 'Unused indexes', category: 'performance', severity: 'low', needs: ['schema', 'history'], dataClass: 'history',
    thresholds: { minStatsDays: 14 }, evidence: 'performance_schema index usage since server start; statistics age',
    explanation: 'An index never used costs every write and buffer pool space.', fix: 'ALTER TABLE <table> DROP INDEX <index>; (MySQL 8: first ALTER TABLE … ALTER INDEX … INVISIBLE to test)', anchor: 'sys.schema_unused_indexes; PMM advisor mysql_unused_index',
    check: (ctx) => ctx.items('schema', 'index').filter((i) => i.stats?.unused === true && i.def.primary !== true && i.def.unique !== true && !SYSTEM_SCHEMAS.has(i.name.split('.')[0] ?? ''))
      .map((i) => ({ object: i.name, message: `index ${i.name} never used`, evidence: { columns: indexColumns(i).join(',') } })),
  },
  // ---------- schema ----------
  {
    id: 'mysql.schema.no-primary-key', title: 'Tables without a primary key', category: 'schema', severity: 'medium', needs: ['schema'],
    evidence: 'schema snapshot: base tables without a PRIMARY KEY',
    explanation: 'InnoDB then clusters on a hidden 6-byte row id shared by all such tables; row-based replication scans the whole table for each changed row; Group Replication refuses them.',
    fix: 'ALTER TABLE <table> ADD COLUMN id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY FIRST;', anchor: 'PMM advisor mysql_tables_without_pk; issue 17 example',
    check: (ctx) => ctx.items('schema', 'table').filter((t) => userTable(t) && t.def.hasPrimaryKey === false)
      .map((t) => ({ object: t.name, message: `${t.name} has no primary key`, evidence: { engine: String(t.def.engine ?? ''), rows: num(t.stats?.rowEstimate) } })),
  },
  {
    id: 'mysql.schema.non-innodb', title: 'Tables not on InnoDB', category: 'schema', severity: 'medium', needs: ['schema'],
    evidence: 'schema snapshot: table engine', versions: 'MyISAM/Aria on MariaDB, MyISAM/MEMORY on MySQL',
    explanation: 'MyISAM and Aria are not transactional nor crash-safe and lock whole tables on writes.',
    fix: 'ALTER TABLE <table> ENGINE=InnoDB;', anchor: 'MySQLTuner "Storage engine statistics"; PMM advisor mysql_myisam_tables; issue 17 example',
    check: (ctx) => ctx.items('schema', 'table').filter((t) => userTable(t) && typeof t.def.engine === 'string' && t.def.engine.toLowerCase() !== 'innodb')
      .map((t) => ({ object: t.name, message: `${t.name} uses ${String(t.def.engine)}`, evidence: { engine: String(t.def.engine) } })),
  },
  {
    id: 'mysql.schema.duplicate-index', title: 'Duplicate indexes', category: 'schema', severity: 'medium', needs: ['schema'],
    evidence: 'schema snapshot: indexes of one table with the same columns in the same order',
    explanation: 'Two indexes with the same columns serve the same lookups; every write maintains both.',
    fix: 'ALTER TABLE <table> DROP INDEX <index>;', anchor: 'pt-duplicate-key-checker; MySQLTuner "Redundant indexes"; issue 17 example',
    check: (ctx) => {
      const out: FindingDraft[] = [];
      for (const list of indexesByTable(ctx).values()) {
        for (const [n, i] of list.entries()) {
          const cols = indexColumns(i).join(',');
          const twin = list.find((o, m) => m !== n && indexColumns(o).join(',') === cols && (o.def.primary === true || (o.def.unique === true && i.def.unique !== true) || (o.def.unique === i.def.unique && o.def.primary !== true && i.def.primary !== true && m < n)));
          if (twin && i.def.primary !== true) out.push({ object: i.name, message: `same columns (${cols}) as ${twin.name}`, evidence: { columns: cols, duplicateOf: twin.name } });
        }
      }
      return out;
    },
  },
  {
    id: 'mysql.schema.redundant-index', title: 'Redundant (left-prefix) indexes', category: 'schema', severity: 'low', needs: ['schema'],
    evidence: 'schema snapshot: non-unique indexes whose columns are a left prefix of another index of the table',
    explanation: 'An index on (a) is redundant next to one on (a, b): the longer one serves the same lookups.',
    fix: 'ALTER TABLE <table> DROP INDEX <index>;', anchor: 'pt-duplicate-key-checker; sys.schema_redundant_indexes; issue 17 example',
    check: (ctx) => {
      const out: FindingDraft[] = [];
      for (const list of indexesByTable(ctx).values()) {
        for (const i of list) {
          if (i.def.unique === true || i.def.primary === true) continue;
          const cols = indexColumns(i);
          const longer = list.find((o) => o !== i && indexColumns(o).length > cols.length && cols.every((c, k) => indexColumns(o)[k] === c));
          if (longer) out.push({ object: i.name, message: `(${cols.join(', ')}) is a left prefix of ${longer.name} (${indexColumns(longer).join(', ')})`, evidence: { columns: cols.join(','), coveredBy: longer.name } });
        }
      }
      return out;
    },
  },
  {
    id: 'mysql.schema.fragmented-tables', title: 'Fragmented tables', category: 'schema', severity: 'low', needs: ['schema'], thresholds: { percent: 20, minFreeBytes: 100 * MB },
    evidence: 'schema snapshot: Data_free against data and index length',
    explanation: 'Free space inside a table\'s tablespace is disk that deletes left behind; scans read it.',
    fix: 'OPTIMIZE TABLE <table>; (rebuilds the table; online for InnoDB)', anchor: 'MySQLTuner "Fragmented tables"',
    check: (ctx) => ctx.items('schema', 'table').filter((t) => {
      const free = num(t.stats?.dataFree) ?? 0;
      const used = (num(t.stats?.dataLength) ?? 0) + (num(t.stats?.indexLength) ?? 0);
      return userTable(t) && free >= ctx.t('minFreeBytes') && pct(free, used + free) >= ctx.t('percent');
    }).map((t) => ({ object: t.name, message: `${((num(t.stats?.dataFree) ?? 0) / MB).toFixed(0)} MB free inside the table`, evidence: { dataFree: num(t.stats?.dataFree) } })),
  },
  {
    id: 'mysql.schema.not-utf8mb4', title: 'Tables not in utf8mb4', category: 'schema', severity: 'low', needs: ['schema'],
    evidence: 'schema snapshot: table collation',
    explanation: 'latin1 or utf8mb3 tables cannot store every Unicode character (emoji, many CJK characters): inserts fail or mangle text.',
    fix: 'ALTER TABLE <table> CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;', anchor: 'MySQLTuner "character sets"',
    check: (ctx) => ctx.items('schema', 'table').filter((t) => userTable(t) && typeof t.def.collation === 'string' && !t.def.collation.startsWith('utf8mb4'))
      .map((t) => ({ object: t.name, message: `${t.name} uses ${String(t.def.collation)}`, evidence: { collation: String(t.def.collation) } })),
  },
  {
    id: 'mysql.schema.auto-increment-headroom', title: 'AUTO_INCREMENT near its maximum', category: 'schema', severity: 'high', needs: ['schema'], thresholds: { percent: 90 },
    evidence: 'tables\' AUTO_INCREMENT against their column type', explanation: 'When an AUTO_INCREMENT column reaches its type\'s maximum every INSERT fails.',
    fix: 'ALTER TABLE <table> MODIFY id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT;', anchor: 'PMM advisor mysql_auto_increment; sys.schema_auto_increment_columns',
    check: (ctx) => {
      const tables = ctx.items('schema', 'table');
      if (!tables.some((t) => t.stats && 'autoIncrementPercent' in t.stats)) return ctx.skip('the schema snapshot carries no AUTO_INCREMENT headroom yet (stored from issue 14 on)');
      return tables.filter((t) => (num(t.stats?.autoIncrementPercent) ?? 0) >= ctx.t('percent'))
        .map((t) => ({ object: t.name, message: `next id is ${num(t.stats?.autoIncrementPercent)} % of the column's maximum`, evidence: { autoIncrement: num(t.stats?.autoIncrement), max: num(t.stats?.autoIncrementMax) } }));
    },
  },
  {
    id: 'mysql.schema.many-indexes', title: 'Tables with very many indexes', category: 'schema', severity: 'low', needs: ['schema'], thresholds: { max: 10 },
    evidence: 'schema snapshot: indexes per table', explanation: 'Each index slows every write and takes buffer pool space.',
    fix: 'Review the table\'s indexes for unused and redundant ones and drop them.', anchor: 'pt-duplicate-key-checker (review)',
    check: (ctx) => [...indexesByTable(ctx)].filter(([, l]) => l.length > ctx.t('max')).map(([t, l]) => ({ object: t, message: `${l.length} indexes`, evidence: { indexes: l.length } })),
  },
  // ---------- security ----------
  {
    id: 'mysql.security.wildcard-host', title: 'Accounts allowed from any host', category: 'security', severity: 'medium', needs: ['access'],
    evidence: 'access snapshot: accounts with host \'%\'', explanation: 'An account at \'%\' accepts its password from any address the server is reachable from.',
    fix: 'RENAME USER \'<user>\'@\'%\' TO \'<user>\'@\'10.0.%\'; (the application\'s network)', anchor: 'MySQLTuner "Security Recommendations: user@%"; PMM advisor mysql_users_with_wildcard_host; issue 17 example',
    check: (ctx) => accounts(ctx).filter((a) => a.name.endsWith('@%')).map((a) => ({ object: a.name, message: `${a.name} can connect from any host`, evidence: { plugin: String(a.def.plugin ?? '') } })),
  },
  {
    id: 'mysql.security.anonymous-account', title: 'Anonymous accounts', category: 'security', severity: 'high', needs: ['access'],
    evidence: 'access snapshot: accounts with an empty user name', explanation: 'Anyone can connect as the anonymous user, and it shadows real accounts from matching hosts.',
    fix: 'DROP USER \'\'@\'localhost\'; DROP USER \'\'@\'<host>\';', anchor: 'MySQLTuner "Anonymous accounts"; PMM advisor mysql_anonymous_users',
    check: (ctx) => accounts(ctx).filter((a) => a.name.startsWith('@')).map((a) => ({ object: a.name, message: 'anonymous account', evidence: {} })),
  },
  {
    id: 'mysql.security.remote-root', title: 'root allowed from remote hosts', category: 'security', severity: 'high', needs: ['access'],
    evidence: 'access snapshot: root accounts whose host is not localhost', explanation: 'A remotely reachable root account is the first target of password guessing.',
    fix: 'DROP USER \'root\'@\'%\'; (administer through localhost or a named admin account)', anchor: 'MySQLTuner "root remote access"; CIS MySQL 7.x',
    check: (ctx) => accounts(ctx).filter((a) => a.name.startsWith('root@') && !/@(localhost|127\.0\.0\.1|::1)$/.test(a.name)).map((a) => ({ object: a.name, message: `${a.name} accepts remote logins`, evidence: {} })),
  },
  {
    id: 'mysql.security.all-privileges', title: 'Application accounts with global ALL or SUPER', category: 'security', severity: 'medium', needs: ['access'],
    evidence: 'access snapshot: global privileges per account', explanation: 'Global ALL/SUPER lets an account change any data and server settings, kill sessions and bypass read_only.',
    fix: 'REVOKE ALL PRIVILEGES ON *.* FROM \'<user>\'@\'<host>\'; GRANT SELECT, INSERT, UPDATE, DELETE ON app.* TO …;', anchor: 'PMM advisor mysql_users_with_all_privileges; CIS MySQL 4.x',
    check: (ctx) => accounts(ctx).filter((a) => !isAdminName(a.name) && privsOf(a).some((p) => p === 'ALL PRIVILEGES' || p === 'SUPER'))
      .map((a) => ({ object: a.name, message: `${a.name} has ${privsOf(a).filter((p) => p === 'ALL PRIVILEGES' || p === 'SUPER').join(', ')} on *.*`, evidence: { globalPrivileges: privsOf(a).join(',') } })),
  },
  {
    id: 'mysql.security.file-privilege', title: 'Accounts with the FILE privilege', category: 'security', severity: 'medium', needs: ['access'],
    evidence: 'access snapshot: global FILE privilege', explanation: 'FILE reads and writes files on the server host as the mysqld user (LOAD_FILE, SELECT … INTO OUTFILE).',
    fix: 'REVOKE FILE ON *.* FROM \'<user>\'@\'<host>\';', anchor: 'CIS MySQL 4.x "FILE privilege"',
    check: (ctx) => accounts(ctx).filter((a) => !isAdminName(a.name) && privsOf(a).includes('FILE')).map((a) => ({ object: a.name, message: `${a.name} has FILE`, evidence: {} })),
  },
  {
    id: 'mysql.security.grant-option', title: 'Application accounts that can grant', category: 'security', severity: 'low', needs: ['access'],
    evidence: 'access snapshot: WITH GRANT OPTION on *.* (grantOption, or GRANT OPTION / ALL PRIVILEGES among the global privileges) and GRANT in database and table grants',
    explanation: 'An account with GRANT OPTION can hand its privileges to others.',
    fix: 'REVOKE GRANT OPTION ON *.* FROM \'<user>\'@\'<host>\'; (or ON <db>.* for a database-level grant option)', anchor: 'CIS MySQL 4.x',
    check: (ctx) => {
      const where = new Map<string, string[]>();
      for (const a of accounts(ctx)) if (a.def.grantOption === true || privsOf(a).includes('GRANT OPTION') || privsOf(a).includes('ALL PRIVILEGES')) where.set(a.name, ['*.*']);
      for (const g of ctx.items('access', 'privilege')) {
        const at = g.name.indexOf(' on ');
        const who = at > 0 ? g.name.slice(0, at) : '';
        const privileges = Array.isArray(g.def.privileges) ? (g.def.privileges as string[]) : [];
        if (who && (privileges.includes('GRANT') || privileges.includes('GRANT OPTION'))) where.set(who, [...(where.get(who) ?? []), g.name.slice(at + 4)]);
      }
      return [...where].filter(([name]) => !isAdminName(name) && accounts(ctx).some((a) => a.name === name))
        .map(([name, on]) => ({ object: name, message: `${name} has WITH GRANT OPTION on ${on.join(', ')}`, evidence: { on: on.join(', ') } }));
    },
  },
  {
    id: 'mysql.security.empty-password', title: 'Accounts without a password', category: 'security', severity: 'critical', needs: ['access'], dataClass: 'privilege',
    evidence: 'access snapshot: hasPassword of each account (MariaDB: the monitoring view\'s has_password, derived from authentication_string without reading it); plugin; locked',
    versions: 'MariaDB 10.4+ through logstag.mariadb_accounts; MySQL 8: not readable (authentication_string, the hash, is not granted)',
    explanation: 'An account without a password is open to anyone who can reach it. Accounts on unix_socket, gssapi or pam authenticate otherwise and are not flagged; locked accounts cannot log in.',
    fix: 'ALTER USER \'<user>\'@\'<host>\' IDENTIFIED BY \'<strong password>\';', anchor: 'MySQLTuner "Users without password"',
    check: (ctx) => {
      const users = accounts(ctx);
      if (!users.some((a) => typeof a.def.hasPassword === 'boolean')) {
        return ctx.skip(ctx.version?.flavor === 'mysql'
          ? 'not readable: on MySQL 8 whether an account has a password is in mysql.user.authentication_string (the hash), which the least-privilege monitoring user is deliberately not granted'
          : 'not readable: the monitoring view logstag.mariadb_accounts predates has_password; re-run agent/setup/mysql.sql');
      }
      return users.filter((a) => a.def.hasPassword === false && a.def.accountLocked !== true && PASSWORD_PLUGINS.has(String(a.def.plugin ?? '')))
        .map((a) => ({ object: a.name, message: `${a.name} has no password`, evidence: { plugin: String(a.def.plugin ?? '') } }));
    },
  },
  {
    id: 'mysql.security.legacy-auth-plugin', title: 'Accounts on a weak authentication plugin', category: 'security', severity: 'low', needs: ['access'],
    evidence: 'access snapshot: plugin per account', versions: 'mysql_native_password is deprecated in MySQL 8.0 and off by default in 8.4; MariaDB still defaults to it',
    explanation: 'mysql_native_password hashes are SHA1-based; mysql_old_password is broken.',
    fix: 'ALTER USER \'<user>\'@\'<host>\' IDENTIFIED WITH caching_sha2_password BY \'…\'; (MariaDB: ed25519)', anchor: 'PMM advisor mysql_native_password; MySQL 8.4 release notes',
    check: (ctx) => accounts(ctx).filter((a) => a.def.plugin === 'mysql_old_password' || (a.def.plugin === 'mysql_native_password' && ctx.version?.flavor === 'mysql' && (ctx.version.major ?? 0) >= 8))
      .map((a) => ({ object: a.name, severity: a.def.plugin === 'mysql_old_password' ? 'high' : 'low', message: `${a.name} uses ${String(a.def.plugin)}`, evidence: { plugin: String(a.def.plugin) } })),
  },
  {
    id: 'mysql.security.local-infile', title: 'LOAD DATA LOCAL enabled', category: 'security', severity: 'medium', needs: ['settings'], evidence: 'local_infile',
    explanation: 'A malicious server or injected statement can read files from the client host.', fix: 'SET GLOBAL local_infile = OFF;', anchor: 'CIS MySQL 4.x "local_infile"; MySQLTuner',
    check: settingCheck('local_infile', isOn, () => 'local_infile is ON'),
  },
  {
    id: 'mysql.security.secure-transport', title: 'Unencrypted connections allowed', category: 'security', severity: 'low', needs: ['settings'], evidence: 'require_secure_transport',
    explanation: 'Clients may connect without TLS; credentials and data cross the network in clear.', fix: 'SET PERSIST require_secure_transport = ON; (MariaDB 10.5.2+: in my.cnf)', anchor: 'CIS MySQL 8.x',
    check: settingCheck('require_secure_transport', isOff, () => 'require_secure_transport is OFF'),
  },
  {
    id: 'mysql.security.ssl-disabled', title: 'TLS not available', category: 'security', severity: 'medium', needs: ['settings'], evidence: 'have_ssl',
    explanation: 'The server cannot encrypt connections at all.', fix: 'Configure ssl_cert, ssl_key, ssl_ca in my.cnf and restart.', anchor: 'MySQLTuner "SSL"; PMM advisor mysql_ssl',
    check: settingCheck('have_ssl', (v) => v === 'DISABLED' || v === 'NO', (v) => `have_ssl = ${v}`),
  },
  {
    id: 'mysql.security.secure-file-priv', title: 'File import/export unrestricted', category: 'security', severity: 'medium', needs: ['settings'], evidence: 'secure_file_priv',
    explanation: 'An empty secure_file_priv lets FILE holders read and write anywhere mysqld can.', fix: 'secure_file_priv = /var/lib/mysql-files (my.cnf, restart)', anchor: 'CIS MySQL 4.x',
    check: settingCheck('secure_file_priv', (v) => v === '', () => 'secure_file_priv is empty'),
  },
  {
    id: 'mysql.security.test-database', title: 'test database present', category: 'security', severity: 'low', needs: ['schema'], evidence: 'schema snapshot: databases',
    explanation: 'Default installs grant every user access to `test` and `test_%`.', fix: 'DROP DATABASE test; DELETE FROM mysql.db WHERE Db LIKE \'test%\';', anchor: 'MySQLTuner "test database"; mysql_secure_installation',
    check: (ctx) => ctx.items('schema', 'database').filter((d) => d.name === 'test').map((d) => ({ object: d.name, message: 'database test exists', evidence: {} })),
  },
  {
    id: 'mysql.security.symlinks', title: 'Symbolic links allowed', category: 'security', severity: 'low', needs: ['settings'], evidence: 'have_symlink',
    explanation: 'Tables may be symlinked outside the data directory.', fix: 'skip-symbolic-links (my.cnf, restart)', anchor: 'MySQLTuner "have_symlink"; CIS MySQL',
    check: settingCheck('have_symlink', (v) => v === 'YES', () => 'have_symlink = YES'),
  },
  {
    id: 'mysql.security.skip-name-resolve', title: 'Host names resolved on connect', category: 'security', severity: 'low', needs: ['settings'], evidence: 'skip_name_resolve',
    explanation: 'Every connection waits for a reverse DNS lookup, and grants by host name trust DNS.', fix: 'skip_name_resolve = ON (my.cnf, restart) and grant by address.', anchor: 'MySQLTuner "skip_name_resolve"',
    check: settingCheck('skip_name_resolve', isOff, () => 'skip_name_resolve is OFF'),
  },
  // ---------- configuration ----------
  {
    id: 'mysql.config.flush-log-at-commit', title: 'Transactions not flushed at commit', category: 'configuration', severity: 'medium', needs: ['settings'], evidence: 'innodb_flush_log_at_trx_commit',
    explanation: 'With 0 or 2 a crash (2: an OS crash) loses up to a second of committed transactions.', fix: 'SET GLOBAL innodb_flush_log_at_trx_commit = 1;', anchor: 'PMM advisor mysql_innodb_flush_log_at_trx_commit; MySQLTuner',
    check: settingCheck('innodb_flush_log_at_trx_commit', (v) => v !== '1', (v) => `innodb_flush_log_at_trx_commit = ${v}`),
  },
  {
    id: 'mysql.config.sync-binlog', title: 'Binary log not synced at commit', category: 'configuration', severity: 'medium', needs: ['settings'], evidence: 'sync_binlog, log_bin',
    explanation: 'With binary logging on and sync_binlog ≠ 1, a crash can lose binlog events the replicas or PITR need.', fix: 'SET GLOBAL sync_binlog = 1;', anchor: 'PMM advisor mysql_sync_binlog',
    check: (ctx) => (isOn(requireSetting(ctx, 'log_bin')) && requireSetting(ctx, 'sync_binlog') !== '1' ? [settingFinding('sync_binlog', requireSetting(ctx, 'sync_binlog'), 'sync_binlog is not 1 with binary logging on')] : []),
  },
  {
    id: 'mysql.config.binlog-off', title: 'Binary logging off', category: 'configuration', severity: 'low', needs: ['settings'], evidence: 'log_bin',
    explanation: 'Without the binary log there is no point-in-time recovery and no replica can be added.', fix: 'log_bin = mysql-bin and server_id = <n> in my.cnf (restart).', anchor: 'PMM advisor mysql_binlog_disabled',
    check: settingCheck('log_bin', isOff, () => 'log_bin is OFF'),
  },
  {
    id: 'mysql.config.binlog-format', title: 'Statement-based binary logging', category: 'configuration', severity: 'medium', needs: ['settings'], evidence: 'binlog_format, log_bin',
    explanation: 'STATEMENT (and MIXED for unsafe statements) can make replicas diverge with non-deterministic statements.', fix: 'SET GLOBAL binlog_format = \'ROW\';', anchor: 'PMM advisor mysql_binlog_format',
    check: (ctx) => (isOn(requireSetting(ctx, 'log_bin')) && requireSetting(ctx, 'binlog_format') === 'STATEMENT' ? [settingFinding('binlog_format', 'STATEMENT', 'binlog_format is STATEMENT')] : []),
  },
  {
    id: 'mysql.config.performance-schema-off', title: 'performance_schema off', category: 'configuration', severity: 'medium', needs: ['settings'], evidence: 'performance_schema',
    explanation: 'Without performance_schema there are no statement digests, lock waits or index usage (Query Explorer and several rules).', fix: 'performance_schema = ON in my.cnf (restart).', anchor: 'PMM advisor mysql_performance_schema',
    check: settingCheck('performance_schema', isOff, () => 'performance_schema is OFF'),
  },
  {
    id: 'mysql.config.slow-log-off', title: 'Slow query log off', category: 'configuration', severity: 'low', needs: ['settings'], evidence: 'slow_query_log',
    explanation: 'Slow statements leave no trace with their full text and timing.', fix: 'SET GLOBAL slow_query_log = ON; SET GLOBAL long_query_time = 1;', anchor: 'MySQLTuner "Slow query log"',
    check: settingCheck('slow_query_log', isOff, () => 'slow_query_log is OFF'),
  },
  {
    id: 'mysql.config.long-query-time', title: 'long_query_time too high', category: 'configuration', severity: 'low', needs: ['settings'], thresholds: { seconds: 10 }, evidence: 'long_query_time',
    explanation: 'At the default 10 s almost nothing is logged as slow.', fix: 'SET GLOBAL long_query_time = 1;', anchor: 'MySQLTuner "long_query_time"',
    check: (ctx) => settingCheck('long_query_time', (v) => (num(v) ?? 0) >= ctx.t('seconds'), (v) => `long_query_time = ${v}`)(ctx),
  },
  {
    id: 'mysql.config.sql-mode-not-strict', title: 'Strict SQL mode off', category: 'configuration', severity: 'medium', needs: ['settings'], evidence: 'sql_mode',
    explanation: 'Without STRICT_TRANS_TABLES invalid or truncated values are stored silently with a warning.', fix: 'SET GLOBAL sql_mode = CONCAT(@@sql_mode, \',STRICT_TRANS_TABLES\');', anchor: 'PMM advisor mysql_sql_mode',
    check: settingCheck('sql_mode', (v) => !/STRICT_(TRANS|ALL)_TABLES/.test(v), (v) => `sql_mode = '${v}'`),
  },
  {
    id: 'mysql.config.file-per-table-off', title: 'innodb_file_per_table off', category: 'configuration', severity: 'medium', needs: ['settings'], evidence: 'innodb_file_per_table',
    explanation: 'Tables live in the shared system tablespace, which never shrinks after DROP or OPTIMIZE.', fix: 'SET GLOBAL innodb_file_per_table = ON; then rebuild the tables.', anchor: 'MySQLTuner "innodb_file_per_table"',
    check: settingCheck('innodb_file_per_table', isOff, () => 'innodb_file_per_table is OFF'),
  },
  {
    id: 'mysql.config.log-file-size', title: 'InnoDB redo log small for the buffer pool', category: 'configuration', severity: 'low', needs: ['settings'], thresholds: { percent: 25 },
    evidence: 'innodb_log_file_size (× innodb_log_files_in_group on MySQL 5.7), or innodb_redo_log_capacity (MySQL 8.0.30+), against innodb_buffer_pool_size',
    explanation: 'A small redo log forces frequent checkpoints that flush dirty pages early.', fix: 'innodb_log_file_size = <25 % of the buffer pool> (MariaDB: SET GLOBAL from 10.9); MySQL 8.0.30+: SET GLOBAL innodb_redo_log_capacity = …;', anchor: 'MySQLTuner "InnoDB log file size / buffer pool" (25 %)',
    check: (ctx) => {
      const pool = num(requireSetting(ctx, 'innodb_buffer_pool_size')) ?? 0;
      const capacity = num(ctx.setting('innodb_redo_log_capacity')) ?? (num(requireSetting(ctx, 'innodb_log_file_size')) ?? 0) * (num(ctx.setting('innodb_log_files_in_group')) ?? 1);
      return pct(capacity, pool) < ctx.t('percent') ? [settingFinding('innodb_log_file_size', String(capacity), `redo log ${(capacity / MB).toFixed(0)} MB is ${pct(capacity, pool)} % of the buffer pool`)] : [];
    },
  },
  {
    id: 'mysql.config.default-engine', title: 'Default storage engine not InnoDB', category: 'configuration', severity: 'medium', needs: ['settings'], evidence: 'default_storage_engine',
    explanation: 'New tables are created non-transactional.', fix: 'SET GLOBAL default_storage_engine = InnoDB;', anchor: 'MySQLTuner',
    check: settingCheck('default_storage_engine', (v) => v.toLowerCase() !== 'innodb', (v) => `default_storage_engine = ${v}`),
  },
  {
    id: 'mysql.config.statement-timeout', title: 'No server-side statement timeout', category: 'configuration', severity: 'low', needs: ['settings'],
    evidence: 'max_execution_time (MySQL 8, SELECT only) or max_statement_time (MariaDB)', versions: 'MySQL 5.7+: max_execution_time; MariaDB 10.1+: max_statement_time',
    explanation: 'A runaway statement runs until someone kills it.', fix: 'MySQL: SET GLOBAL max_execution_time = 60000; MariaDB: SET GLOBAL max_statement_time = 60;', anchor: 'PMM advisor; pt-kill',
    check: (ctx) => {
      const name = ctx.version?.flavor === 'mariadb' ? 'max_statement_time' : 'max_execution_time';
      return settingCheck(name, (v) => (num(v) ?? 0) === 0, () => `${name} is 0 (no timeout)`)(ctx);
    },
  },
  {
    id: 'mysql.config.buffer-pool-ram', title: 'Buffer pool larger than the host can hold', category: 'configuration', severity: 'high', needs: ['settings', 'host'], dataClass: 'host', thresholds: { maxPercent: 90 },
    evidence: 'innodb_buffer_pool_size; host RAM', explanation: 'A buffer pool near or above RAM makes the host swap or the OOM killer end mysqld.',
    fix: 'SET GLOBAL innodb_buffer_pool_size = <≈ 70 % of RAM>;', anchor: 'MySQLTuner "Maximum possible memory usage"',
    check: (ctx) => {
      const ram = ctx.input.host?.memoryBytes ?? null;
      if (ram === null) return ctx.skip('the host\'s RAM is not known');
      const pool = num(requireSetting(ctx, 'innodb_buffer_pool_size')) ?? 0;
      return pct(pool, ram) >= ctx.t('maxPercent') ? [settingFinding('innodb_buffer_pool_size', String(pool), `buffer pool is ${pct(pool, ram)} % of RAM (${(ram / GB).toFixed(1)} GB)`)] : [];
    },
  },
  {
    id: 'mysql.config.version-eol', title: 'Version past end of life', category: 'configuration', severity: 'high', frequency: 'rare', needs: [], dataClass: 'external',
    evidence: 'server version; the end-of-life table shipped with the server (dated)', versions: 'MySQL and MariaDB have separate tables',
    explanation: 'A release series past its end of life gets no security fixes.', fix: 'Upgrade to a supported LTS series (MySQL 8.4, MariaDB 10.11/11.4).', anchor: 'PMM advisor mysql_version; endoflife.date',
    check: (ctx) => eolCheck(ctx, 'mysql'),
  },
  // ---------- maintenance ----------
  {
    id: 'mysql.maintenance.recent-restart', title: 'Server restarted recently', category: 'maintenance', severity: 'low', needs: ['series:statusGauges.Uptime'], thresholds: { hours: 24 },
    evidence: 'Uptime', explanation: 'Within a day of a restart counters, index usage and buffer pool contents say little: rules based on them are less reliable.',
    fix: 'Nothing to do if the restart was planned; otherwise read the error log for a crash.', anchor: 'MySQLTuner "Uptime < 24 h" warning',
    check: (ctx) => {
      const up = gauge(ctx, 'Uptime');
      return up < ctx.t('hours') * 3600 ? [{ object: 'server', message: `up for ${(up / 3600).toFixed(1)} h`, evidence: { uptimeSeconds: up } }] : [];
    },
  },
  {
    id: 'mysql.maintenance.history-list', title: 'InnoDB purge lagging', category: 'maintenance', severity: 'medium', needs: ['series:statusGauges.'], thresholds: { length: 1_000_000 },
    evidence: 'Innodb_history_list_length', explanation: 'A long history list means undo logs are not purged: a long transaction holds a read view, and every read walks old versions.',
    fix: 'Find and end the oldest transaction (information_schema.innodb_trx ORDER BY trx_started).', anchor: 'PMM advisor mysql_innodb_history_list; awesome-prometheus-alerts',
    check: (ctx) => {
      const h = gauge(ctx, 'Innodb_history_list_length');
      return h >= ctx.t('length') ? [{ object: 'server', message: `history list length ${h}`, evidence: { historyListLength: h } }] : [];
    },
  },
  {
    id: 'mysql.maintenance.dirty-pages', title: 'Buffer pool mostly dirty', category: 'maintenance', severity: 'low', needs: ['series:statusGauges.'], thresholds: { percent: 75 },
    evidence: 'Innodb_buffer_pool_pages_dirty / Innodb_buffer_pool_pages_total', explanation: 'Flushing cannot keep up with writes: checkpoints stall and a crash recovery takes long.',
    fix: 'Raise innodb_io_capacity to what the storage sustains; check innodb_max_dirty_pages_pct.', anchor: 'PMM dashboards InnoDB flushing',
    check: (ctx) => {
      const dirty = gauge(ctx, 'Innodb_buffer_pool_pages_dirty');
      const total = gauge(ctx, 'Innodb_buffer_pool_pages_total');
      return total > 0 && pct(dirty, total) >= ctx.t('percent') ? [{ object: 'server', message: `${pct(dirty, total)} % of the buffer pool is dirty`, evidence: { dirtyPages: dirty, totalPages: total } }] : [];
    },
  },
]);
