// PostgreSQL rules. They read what the store keeps of the agent's PostgreSQL collections
// (activities/src/normalize/engines/postgresql.ts): the settings, access and schema snapshots, the series of the
// metric families (databases.*, table_maintenance.*, replication_slots.*, database_stats.*, archiver.*, …), the
// runtime snapshots of the window and pg_stat_statements totals.
import { engineRules, type FindingDraft, type RuleContext } from '../rule';
import { eolCheck } from './eol';
import { byLabel, excerpt, GB, isOff, longestSessions, MB, num, pct, pgBytes, requireSetting, rowsByLabels, settingCheck, settingFinding, windowSum } from './helpers';

const WRAP = 2_147_483_647;
const tableName = (l: Record<string, string>) => `${l.datname ?? ''}.${l.schema ?? ''}.${l.table ?? ''}`;
const isSystemRole = (name: string) => name.startsWith('pg_');

function wraparound(ctx: RuleContext, metric: string, what: string): FindingDraft[] {
  const out: FindingDraft[] = [];
  for (const s of ctx.series(metric)) {
    const p = pct(s.value, WRAP);
    if (p < ctx.t('percent')) continue;
    out.push({
      object: s.labels.datname ?? '',
      severity: p >= ctx.t('criticalPercent') ? 'critical' : 'high',
      message: `${what} age of database ${s.labels.datname} is ${s.value.toLocaleString('en')} (${p} % of the 2^31 limit)`,
      evidence: { database: s.labels.datname ?? '', age: s.value, percentOfLimit: p },
    });
  }
  return out;
}

export const POSTGRESQL_RULES = engineRules('postgresql', [
  // ---------- maintenance ----------
  {
    id: 'pg.maintenance.xid-wraparound', title: 'Transaction ID wraparound approaching', category: 'maintenance', severity: 'high', frequency: 'frequent',
    needs: ['series:databases.xid_age'], thresholds: { percent: 50, criticalPercent: 80 },
    evidence: 'databases.xid_age per database (age(datfrozenxid))',
    explanation: 'PostgreSQL stops accepting writes when a database\'s oldest unfrozen transaction ID is 2^31 transactions old. Anti-wraparound vacuum should keep the age near autovacuum_freeze_max_age (200 million by default).',
    fix: 'VACUUM (FREEZE, VERBOSE) on the oldest tables of the database (see the per-table rule); find what holds the xmin horizon back first.',
    anchor: 'PMM advisor postgresql_txid_wraparound; PgHero transaction_id_danger; postgres-checkup A008',
    check: (ctx) => wraparound(ctx, 'databases.xid_age', 'Transaction ID'),
  },
  {
    id: 'pg.maintenance.mxid-wraparound', title: 'MultiXact ID wraparound approaching', category: 'maintenance', severity: 'high', frequency: 'frequent',
    needs: ['series:databases.mxid_age'], thresholds: { percent: 50, criticalPercent: 80 },
    evidence: 'databases.mxid_age per database (mxid_age(datminmxid))',
    explanation: 'MultiXact IDs (row locks shared by several transactions, foreign-key checks) wrap around like transaction IDs and also force a shutdown to single-user mode when exhausted.',
    fix: 'VACUUM (FREEZE) the tables with the oldest relminmxid; lower autovacuum_multixact_freeze_max_age if it keeps growing.',
    anchor: 'PgHero multixact_id_danger; pganalyze Check-Up "MultiXact wraparound"',
    check: (ctx) => wraparound(ctx, 'databases.mxid_age', 'MultiXact ID'),
  },
  {
    id: 'pg.maintenance.table-freeze-overdue', title: 'Table older than autovacuum_freeze_max_age', category: 'maintenance', severity: 'medium',
    needs: ['series:table_maintenance.xid_age_with_toast', 'settings'], thresholds: { factor: 1.25 },
    evidence: 'table_maintenance.xid_age_with_toast per table; setting autovacuum_freeze_max_age',
    explanation: 'A table past autovacuum_freeze_max_age should get an anti-wraparound autovacuum at once; staying well past it means autovacuum cannot finish (held back, throttled, or cancelled).',
    fix: 'VACUUM (FREEZE, VERBOSE) <table>; check pg_stat_progress_vacuum and raise autovacuum_vacuum_cost_limit if vacuums are too slow.',
    anchor: 'PgHero transaction_id_danger (per table); postgres-checkup F001',
    check: (ctx) => {
      const limit = num(requireSetting(ctx, 'autovacuum_freeze_max_age')) ?? 200_000_000;
      return ctx.series('table_maintenance.xid_age_with_toast')
        .filter((s) => s.value > limit * ctx.t('factor'))
        .map((s) => ({ object: tableName(s.labels), message: `relfrozenxid age ${s.value.toLocaleString('en')} is past ${ctx.t('factor')} × autovacuum_freeze_max_age (${limit.toLocaleString('en')})`, evidence: { age: s.value, autovacuumFreezeMaxAge: limit } }));
    },
  },
  {
    id: 'pg.maintenance.dead-tuples', title: 'Tables with many dead tuples', category: 'maintenance', severity: 'medium',
    needs: ['series:table_maintenance.n_dead_tup'], thresholds: { percent: 20, minDead: 10_000 },
    evidence: 'table_maintenance.n_dead_tup and n_live_tup per table',
    explanation: 'Dead tuples are space vacuum has not reclaimed: scans read them, indexes point at them and the table bloats.',
    fix: 'VACUUM (VERBOSE, ANALYZE) <table>; for a hot table: ALTER TABLE <table> SET (autovacuum_vacuum_scale_factor = 0.02);',
    anchor: 'pganalyze Check-Up "VACUUM: dead rows"; awesome-prometheus-alerts PostgresqlTooManyDeadTuples (10 %)',
    check: (ctx) => rowsByLabels(ctx, ['table_maintenance.n_dead_tup', 'table_maintenance.n_live_tup'])
      .filter((r) => (r.values.n_dead_tup ?? 0) >= ctx.t('minDead') && pct(r.values.n_dead_tup ?? 0, (r.values.n_dead_tup ?? 0) + (r.values.n_live_tup ?? 0)) >= ctx.t('percent'))
      .map((r) => ({ object: tableName(r.labels), message: `${r.values.n_dead_tup} dead tuples against ${r.values.n_live_tup ?? 0} live`, evidence: { deadTuples: r.values.n_dead_tup ?? 0, liveTuples: r.values.n_live_tup ?? 0, deadPercent: pct(r.values.n_dead_tup ?? 0, (r.values.n_dead_tup ?? 0) + (r.values.n_live_tup ?? 0)) } })),
  },
  {
    id: 'pg.maintenance.autovacuum-disabled-table', title: 'Autovacuum disabled on a table', category: 'maintenance', severity: 'medium',
    needs: ['schema'], thresholds: { manyDead: 1_000 },
    evidence: 'schema snapshot: table reloptions; table_maintenance.n_dead_tup',
    explanation: 'autovacuum_enabled = false stops routine vacuum and analyze of the table; only anti-wraparound vacuum still runs, late and all at once. With dead tuples piling up the table bloats.',
    fix: 'ALTER TABLE <table> RESET (autovacuum_enabled); then VACUUM (ANALYZE) <table>;',
    anchor: 'issue 17 example; pganalyze Check-Up "VACUUM: disabled tables"',
    check: (ctx) => {
      const dead = new Map(ctx.series('table_maintenance.n_dead_tup').map((s) => [tableName(s.labels), s.value]));
      return ctx.items('schema', 'table')
        .filter((t) => Array.isArray(t.def.reloptions) && (t.def.reloptions as unknown[]).some((o) => /^autovacuum_enabled=(false|off|0)$/i.test(String(o))))
        .map((t) => {
          const d = dead.get(t.name) ?? null;
          return { object: t.name, severity: d !== null && d >= ctx.t('manyDead') ? 'high' : 'medium', message: `autovacuum is disabled on ${t.name}${d !== null ? ` (${d} dead tuples)` : ''}`, evidence: { reloptions: JSON.stringify(t.def.reloptions), deadTuples: d } } satisfies FindingDraft;
        });
    },
  },
  {
    id: 'pg.maintenance.stale-statistics', title: 'Planner statistics out of date', category: 'maintenance', severity: 'low',
    needs: ['series:table_maintenance.n_mod_since_analyze'], thresholds: { percent: 20, minChanged: 10_000 },
    evidence: 'table_maintenance.n_mod_since_analyze and n_live_tup per table',
    explanation: 'Rows changed since the last ANALYZE make the planner\'s estimates wrong; plans turn bad when the distribution has moved.',
    fix: 'ANALYZE <table>; for tables that change fast: ALTER TABLE <table> SET (autovacuum_analyze_scale_factor = 0.02);',
    anchor: 'pganalyze Check-Up "ANALYZE: stale statistics"',
    check: (ctx) => rowsByLabels(ctx, ['table_maintenance.n_mod_since_analyze', 'table_maintenance.n_live_tup'])
      .filter((r) => (r.values.n_mod_since_analyze ?? 0) >= ctx.t('minChanged') && pct(r.values.n_mod_since_analyze ?? 0, Math.max(1, r.values.n_live_tup ?? 0)) >= ctx.t('percent'))
      .map((r) => ({ object: tableName(r.labels), message: `${r.values.n_mod_since_analyze} rows changed since the last analyze (${r.values.n_live_tup ?? 0} live)`, evidence: { changedSinceAnalyze: r.values.n_mod_since_analyze ?? 0, liveTuples: r.values.n_live_tup ?? 0 } })),
  },
  {
    id: 'pg.maintenance.inactive-slot', title: 'Inactive replication slot retaining WAL', category: 'maintenance', severity: 'high', frequency: 'frequent',
    needs: ['series:replication_slots.retained_wal_bytes'], thresholds: { retainedBytes: 1 * GB },
    evidence: 'replication_slots.retained_wal_bytes and active_pid per slot',
    explanation: 'A slot keeps every WAL segment its consumer has not confirmed. An inactive slot (no consumer connected) retains WAL until the disk fills, and its xmin holds back vacuum.',
    fix: 'SELECT pg_drop_replication_slot(\'<slot>\'); if the consumer is gone for good; or set max_slot_wal_keep_size to bound it.',
    anchor: 'PMM advisor postgresql_stale_replication_slot; pganalyze Check-Up "Replication: inactive slots"',
    check: (ctx) => {
      const active = byLabel(ctx.series('replication_slots.active_pid'), 'slot_name');
      return ctx.series('replication_slots.retained_wal_bytes')
        .filter((s) => {
          const a = active.get(s.labels.slot_name ?? '');
          const inactive = !a || new Date(a.ts).getTime() < new Date(s.ts).getTime();
          return inactive && s.value >= ctx.t('retainedBytes');
        })
        .map((s) => ({ object: s.labels.slot_name ?? '', message: `inactive slot retains ${(s.value / MB).toFixed(0)} MB of WAL`, evidence: { retainedWalBytes: s.value } }));
    },
  },
  {
    id: 'pg.maintenance.xmin-horizon', title: 'xmin horizon held back by a replication slot', category: 'maintenance', severity: 'high', frequency: 'frequent',
    needs: ['series:replication_slots.'], thresholds: { age: 50_000_000 },
    evidence: 'replication_slots.xmin_age and catalog_xmin_age per slot',
    explanation: 'A slot\'s xmin (hot_standby_feedback) or catalog_xmin (logical decoding) stops vacuum from removing rows newer than it anywhere in the cluster, and ages the databases towards wraparound.',
    fix: 'Reconnect or drop the slot\'s consumer: SELECT pg_drop_replication_slot(\'<slot>\'); turn hot_standby_feedback off on a standby that lags.',
    anchor: 'postgres-checkup L003 / pganalyze Check-Up "xmin horizon"',
    check: (ctx) => [...ctx.series('replication_slots.xmin_age'), ...ctx.series('replication_slots.catalog_xmin_age')]
      .filter((s) => s.value >= ctx.t('age'))
      .map((s) => ({ object: s.labels.slot_name ?? '', message: `slot holds the xmin horizon ${s.value.toLocaleString('en')} transactions back (${s.metric.split('.')[1]})`, evidence: { field: s.metric, age: s.value } })),
  },
  {
    id: 'pg.maintenance.session-xmin', title: 'xmin horizon held back by a session', category: 'maintenance', severity: 'high', frequency: 'frequent',
    needs: ['activity'], dataClass: 'statistics', thresholds: { transactionSeconds: 3_600, xminAge: 10_000_000 },
    evidence: 'sessions\' transaction age (xact_start) and backend_xmin age in every runtime snapshot of the window',
    explanation: 'A transaction or snapshot open for an hour, or holding an xmin millions of transactions old, holds the xmin horizon back: vacuum cannot remove rows deleted after it started, anywhere in the cluster.',
    fix: 'SELECT pg_terminate_backend(<pid>); ALTER SYSTEM SET idle_in_transaction_session_timeout = \'10min\'; and keep reporting transactions short.',
    anchor: 'postgres-checkup L003; PgHero long running queries',
    check: (ctx) => {
      const sessions = ctx.activity.flatMap((a) => a.sessions);
      if (!sessions.some((s) => s.transactionSeconds !== undefined || s.xminAge !== undefined)) return ctx.skip('the runtime snapshots carry no transaction age (stored from issue 14 on; older agents send none)');
      return longestSessions(ctx, (s) => (s.transactionSeconds ?? 0) >= ctx.t('transactionSeconds') || (s.xminAge ?? 0) >= ctx.t('xminAge'))
        .map(({ s }) => ({ object: `${s.database ?? ''}:${s.user ?? ''}:${s.id}`, message: `transaction open ${Math.round(s.transactionSeconds ?? 0)} s, xmin age ${s.xminAge ?? '—'}`, evidence: { pid: s.id, transactionSeconds: s.transactionSeconds ?? null, xminAge: s.xminAge ?? null, state: s.state, query: excerpt(s.query) } }));
    },
  },
  {
    id: 'pg.maintenance.archiver-failing', title: 'WAL archiving failing', category: 'maintenance', severity: 'critical', frequency: 'frequent',
    needs: ['series:archiver.failed_count'],
    evidence: 'archiver.failed_count (delta) over the report window',
    explanation: 'archive_command fails: WAL segments pile up in pg_wal (the disk fills) and point-in-time recovery has a hole from the first failure.',
    fix: 'Read the server log for the archive_command error; test it by hand as the postgres user; SELECT * FROM pg_stat_archiver;',
    anchor: 'awesome-prometheus-alerts PostgresqlArchiverFailed (pg_stat_archiver_failed_count)',
    check: (ctx) => {
      const failed = windowSum(ctx.series('archiver.failed_count'));
      if (failed === null) return ctx.skip('no archiver counters stored in the report window');
      return failed > 0 ? [{ object: 'archiver', message: `${failed} archive attempts failed in the last ${ctx.input.windowHours} h`, evidence: { failedInWindow: failed } }] : [];
    },
  },
  {
    id: 'pg.maintenance.invalid-index', title: 'Invalid indexes', category: 'maintenance', severity: 'high',
    needs: ['schema'],
    evidence: 'schema snapshot: indexes with indisvalid = false',
    explanation: 'A failed CREATE INDEX CONCURRENTLY leaves an invalid index: the planner never uses it, yet every write still maintains it.',
    fix: 'DROP INDEX CONCURRENTLY <index>; then create it again: CREATE INDEX CONCURRENTLY …; or REINDEX INDEX CONCURRENTLY <index>;',
    anchor: 'PgHero invalid_indexes; PMM advisor postgresql_invalid_indexes',
    check: (ctx) => ctx.items('schema', 'index').filter((i) => i.stats?.invalid === true || i.def.valid === false).map((i) => ({ object: i.name, message: `index ${i.name} is invalid`, evidence: { definition: excerpt(String(i.def.definition ?? '')) } })),
  },
  {
    id: 'pg.maintenance.sequence-exhaustion', title: 'Sequences near their maximum', category: 'maintenance', severity: 'high', thresholds: { percent: 90 }, dataClass: 'privilege',
    needs: ['schema'],
    evidence: 'sequence last_value against max_value and its column\'s type',
    explanation: 'A sequence (or the integer column it feeds) that reaches its maximum makes every INSERT fail.',
    fix: 'ALTER TABLE <table> ALTER COLUMN id TYPE bigint; ALTER SEQUENCE <seq> AS bigint MAXVALUE 9223372036854775807;',
    anchor: 'PgHero sequence_danger (90 %)',
    check: (ctx) => {
      const sequences = ctx.items('schema', 'sequence');
      if (sequences.length > 0 && !sequences.some((s) => s.stats && 'percent_used' in s.stats)) return ctx.skip('the schema snapshot carries no sequence headroom yet (stored from issue 14 on)');
      const findings = sequences.filter((s) => (num(s.stats?.percent_used) ?? 0) >= ctx.t('percent'))
        .map((s) => ({ object: s.name, severity: (num(s.stats?.percent_used) ?? 0) >= 98 ? 'critical' : 'high', message: `${num(s.stats?.percent_used)} % of its range used`, evidence: { percentUsed: num(s.stats?.percent_used), lastValue: String(s.stats?.last_value ?? ''), max: String(s.stats?.effective_max ?? s.def.max_value ?? ''), column: String(s.stats?.owned_by_column ?? '') } } satisfies FindingDraft));
      // pg_monitor cannot read a sequence's last value: those sequences are unknown, which is not a pass.
      const unreadable = sequences.filter((s) => s.stats?.last_value_readable === false);
      if (findings.length === 0 && unreadable.length > 0) return ctx.skip(`needs a privilege the default monitoring user lacks: SELECT on ${unreadable.length} of ${sequences.length} sequences (GRANT SELECT ON ALL SEQUENCES IN SCHEMA … TO the monitoring role; agent/setup/postgresql.sql)`);
      return findings;
    },
  },
  {
    id: 'pg.maintenance.never-vacuumed', title: 'Tables never vacuumed or analyzed', category: 'maintenance', severity: 'low',
    needs: ['series:table_maintenance.last_vacuum'], thresholds: { minRows: 1_000 },
    evidence: 'table_maintenance last_vacuum, last_autovacuum, last_analyze, last_autoanalyze (0: never), n_live_tup and n_dead_tup per table',
    explanation: 'A table with writes that has never been vacuumed or analyzed has no visibility map and no planner statistics. Tables under a thousand rows are left out: autovacuum rightly waits for 50 rows plus a fifth of the table.',
    fix: 'VACUUM (ANALYZE) <table>;', anchor: 'PgHero tables never vacuumed / analyzed',
    check: (ctx) =>
      rowsByLabels(ctx, ['table_maintenance.last_vacuum', 'table_maintenance.last_autovacuum', 'table_maintenance.last_analyze', 'table_maintenance.last_autoanalyze', 'table_maintenance.n_live_tup', 'table_maintenance.n_dead_tup'])
        .filter((r) => r.values.last_vacuum !== undefined && (r.values.n_live_tup ?? 0) + (r.values.n_dead_tup ?? 0) >= ctx.t('minRows'))
        .flatMap((r) => {
          const vacuumed = (r.values.last_vacuum ?? 0) > 0 || (r.values.last_autovacuum ?? 0) > 0;
          const analyzed = (r.values.last_analyze ?? 0) > 0 || (r.values.last_autoanalyze ?? 0) > 0;
          if (vacuumed && analyzed) return [];
          const never = [vacuumed ? null : 'vacuumed', analyzed ? null : 'analyzed'].filter(Boolean).join(' or ');
          const rows = (r.values.n_live_tup ?? 0) + (r.values.n_dead_tup ?? 0);
          return [{ object: tableName(r.labels), message: `${tableName(r.labels)} has never been ${never} (${rows} rows, live and dead)`, evidence: { neverVacuumed: !vacuumed, neverAnalyzed: !analyzed, liveTuples: r.values.n_live_tup ?? 0, deadTuples: r.values.n_dead_tup ?? 0 } }];
        }),
  },
  {
    id: 'pg.maintenance.autovacuum-off', title: 'Autovacuum disabled', category: 'maintenance', severity: 'critical', needs: ['settings'],
    evidence: 'setting autovacuum',
    explanation: 'Without autovacuum nothing reclaims dead rows or refreshes statistics, and only forced anti-wraparound vacuums prevent shutdown.',
    fix: 'ALTER SYSTEM SET autovacuum = on; SELECT pg_reload_conf();', anchor: 'PMM advisor postgresql_autovacuum_off',
    check: settingCheck('autovacuum', isOff, () => 'autovacuum is off'),
  },
  {
    id: 'pg.maintenance.track-counts-off', title: 'track_counts off (autovacuum blind)', category: 'maintenance', severity: 'critical', needs: ['settings'],
    evidence: 'setting track_counts',
    explanation: 'Autovacuum decides from the statistics track_counts collects; with it off, autovacuum never triggers on tables.',
    fix: 'ALTER SYSTEM SET track_counts = on; SELECT pg_reload_conf();', anchor: 'PostgreSQL docs, Routine Vacuuming 25.1.6',
    check: settingCheck('track_counts', isOff, () => 'track_counts is off'),
  },
  {
    id: 'pg.maintenance.autovacuum-workers', title: 'Autovacuum workers all busy', category: 'maintenance', severity: 'low', needs: ['activity', 'settings'],
    evidence: 'autovacuum worker sessions in the runtime snapshots; setting autovacuum_max_workers',
    explanation: 'When every autovacuum worker is busy in most snapshots, tables wait their turn and bloat.',
    fix: 'ALTER SYSTEM SET autovacuum_max_workers = 6; (restart) and raise autovacuum_vacuum_cost_limit.',
    anchor: 'pganalyze Check-Up "VACUUM: worker saturation"', thresholds: { share: 50 },
    check: (ctx) => {
      if (ctx.activity.length === 0) return ctx.skip('no runtime snapshot in the report window');
      const withSessions = ctx.activity.filter((a) => a.sessions.length > 0);
      if (withSessions.length > 0 && !withSessions.some((a) => a.sessions.some((x) => x.backendType !== undefined))) {
        return ctx.skip('the runtime snapshots carry no backend type (stored from issue 14 on; older agents send none)');
      }
      const max = Number(ctx.setting('autovacuum_max_workers') ?? 3);
      // Workers busy for the store's minimum session length (5 s) or longer are in the snapshots; short passes are not
      // saturation anyway.
      const busy = ctx.activity.map((a) => a.sessions.filter((x) => x.backendType === 'autovacuum worker').length);
      const saturated = busy.filter((n) => n >= max).length;
      const share = Math.round((saturated / busy.length) * 100);
      return share >= ctx.t('share')
        ? [{ object: 'autovacuum', message: `all ${max} autovacuum workers were busy in ${saturated} of ${busy.length} runtime snapshots (${share} %)`, evidence: { maxWorkers: max, saturatedSnapshots: saturated, snapshots: busy.length } }]
        : [];
    },
  },
  // ---------- performance ----------
  {
    id: 'pg.performance.cache-hit', title: 'Low buffer cache hit rate', category: 'performance', severity: 'medium',
    needs: ['series:database_stats.blks_hit'], thresholds: { percent: 99, minReads: 10_000 },
    evidence: 'database_stats.blks_hit and blks_read (deltas) per database over the window',
    explanation: 'Below 99 % most reads go to the OS cache or the disk: the working set no longer fits shared_buffers.',
    fix: 'Raise shared_buffers (about 25 % of RAM) and find the statements that read most blocks (Query Explorer, order by blocks read).',
    anchor: 'PgHero cache hit rate (99 %); PMM advisor postgresql_cache_hit_ratio',
    check: (ctx) => {
      const reads = byLabel(ctx.series('database_stats.blks_read'), 'datname');
      const out: FindingDraft[] = [];
      for (const hit of ctx.series('database_stats.blks_hit')) {
        const h = hit.windowSum ?? 0;
        const r = reads.get(hit.labels.datname ?? '')?.windowSum ?? 0;
        if (h + r < ctx.t('minReads')) continue;
        const rate = pct(h, h + r);
        if (rate < ctx.t('percent')) out.push({ object: hit.labels.datname ?? '', message: `cache hit rate ${rate} %`, evidence: { blocksHit: h, blocksRead: r, hitPercent: rate } });
      }
      return out;
    },
  },
  {
    id: 'pg.performance.slow-statements', title: 'Slow statements', category: 'performance', severity: 'medium',
    needs: ['statements'], thresholds: { meanMs: 20, minCalls: 100 },
    evidence: 'pg_stat_statements totals over the window: mean time and calls',
    explanation: 'Statements averaging more than 20 ms over at least 100 calls are where most of the database time goes.',
    fix: 'EXPLAIN (ANALYZE, BUFFERS) the statement; add the index its plan is missing or rewrite it.',
    anchor: 'PgHero slow queries (20 ms mean, 100 calls)',
    check: (ctx) => ctx.statements.filter((s) => s.calls >= ctx.t('minCalls') && s.totalTimeMs / s.calls >= ctx.t('meanMs'))
      .map((s) => ({ object: s.fingerprint, message: `${(s.totalTimeMs / s.calls).toFixed(1)} ms mean over ${s.calls} calls`, evidence: { meanMs: Math.round((100 * s.totalTimeMs) / s.calls) / 100, calls: s.calls, query: excerpt(s.text) } })),
  },
  {
    id: 'pg.performance.long-running', title: 'Long-running statements', category: 'performance', severity: 'medium', frequency: 'frequent',
    needs: ['activity'], thresholds: { seconds: 60 },
    evidence: 'active sessions in every runtime snapshot of the window',
    explanation: 'Statements running for minutes hold locks and snapshots, and usually miss an index or a LIMIT.',
    fix: 'SELECT pg_cancel_backend(<pid>); set statement_timeout for the application role: ALTER ROLE <role> SET statement_timeout = \'60s\';',
    anchor: 'PgHero long running queries (60 s)',
    check: (ctx) => longestSessions(ctx, (s) => s.state === 'active' && (s.durationSeconds ?? 0) >= ctx.t('seconds'))
      .map(({ s, ts }) => ({ object: `${s.database ?? ''}:${s.user ?? ''}:${s.id}`, message: `statement ran ${Math.round(s.durationSeconds ?? 0)} s (seen at ${ts})`, evidence: { pid: s.id, seconds: s.durationSeconds, query: excerpt(s.query) } })),
  },
  {
    id: 'pg.performance.idle-in-transaction', title: 'Sessions idle in transaction', category: 'performance', severity: 'medium', frequency: 'frequent',
    needs: ['activity'], thresholds: { seconds: 60 },
    evidence: 'sessions in state "idle in transaction" in every runtime snapshot of the window',
    explanation: 'A transaction left open holds its locks and its snapshot: other writers wait and vacuum cannot clean up.',
    fix: 'ALTER SYSTEM SET idle_in_transaction_session_timeout = \'5min\'; SELECT pg_reload_conf(); fix the application\'s missing COMMIT.',
    anchor: 'PgHero idle in transaction; awesome-prometheus-alerts PostgresqlIdleInTransaction',
    check: (ctx) => longestSessions(ctx, (s) => (s.state ?? '').startsWith('idle in transaction') && (s.durationSeconds ?? 0) >= ctx.t('seconds'))
      .map(({ s }) => ({ object: `${s.database ?? ''}:${s.user ?? ''}:${s.id}`, message: `idle in transaction for ${Math.round(s.durationSeconds ?? 0)} s`, evidence: { pid: s.id, seconds: s.durationSeconds, lastQuery: excerpt(s.query) } })),
  },
  {
    id: 'pg.performance.blocked-sessions', title: 'Sessions blocked by locks', category: 'performance', severity: 'medium', frequency: 'frequent',
    needs: ['activity'], thresholds: { seconds: 10 },
    evidence: 'lock waits in every runtime snapshot of the window',
    explanation: 'Sessions waiting on a lock for seconds mean a blocker holds it: a long transaction, DDL, or an idle-in-transaction session.',
    fix: 'Find the root blocker in the Activity Explorer\'s blocking tree; SELECT pg_terminate_backend(<blocker pid>); set lock_timeout for DDL.',
    anchor: 'PgHero blocked queries; awesome-prometheus-alerts PostgresqlTooManyLocksAcquired',
    check: (ctx) => {
      const worst = new Map<string, { wait: number; blockers: string[]; object: string | null }>();
      for (const a of ctx.activity) for (const w of a.lockWaits) if ((w.waitSeconds ?? 0) >= ctx.t('seconds') && (worst.get(w.id)?.wait ?? -1) < (w.waitSeconds ?? 0)) worst.set(w.id, { wait: w.waitSeconds ?? 0, blockers: w.blockedBy, object: w.object });
      return [...worst].map(([id, w]) => ({ object: `pid ${id}`, message: `waited ${Math.round(w.wait)} s for a lock held by ${w.blockers.join(', ')}`, evidence: { waitSeconds: w.wait, blockedBy: w.blockers.join(','), lockedObject: w.object } }));
    },
  },
  {
    id: 'pg.performance.connections', title: 'Connections near max_connections', category: 'performance', severity: 'high', frequency: 'frequent',
    needs: ['activity'], thresholds: { percent: 80 },
    evidence: 'connections used against max_connections in the runtime snapshots',
    explanation: 'When connections run out new clients are refused; each backend also costs memory.',
    fix: 'Put a pooler (PgBouncer) in front, lower the applications\' pool sizes; raise max_connections only with the memory to match.',
    anchor: 'PgHero connections; PMM advisor postgresql_max_connections; awesome-prometheus-alerts PostgresqlTooManyConnections (80 %)',
    check: (ctx) => {
      let peak: { used: number; max: number } | null = null;
      for (const a of ctx.activity) if (a.connections?.max && (!peak || a.connections.used / a.connections.max > peak.used / peak.max)) peak = { used: a.connections.used, max: a.connections.max };
      if (!peak) return ctx.skip('no connection counts stored in the runtime snapshots');
      return pct(peak.used, peak.max) >= ctx.t('percent') ? [{ object: 'server', message: `${peak.used} of ${peak.max} connections used`, evidence: { peakUsed: peak.used, max: peak.max } }] : [];
    },
  },
  {
    id: 'pg.performance.replication-lag', title: 'Replica lag', category: 'performance', severity: 'high', frequency: 'frequent',
    needs: ['activity'], thresholds: { seconds: 5 },
    evidence: 'pg_stat_replication replay lag per standby in the runtime snapshots',
    explanation: 'A replica behind by seconds serves stale reads and loses that much on failover.',
    fix: 'Check the standby\'s I/O and replay (pg_stat_wal_receiver), long queries on it with hot_standby_feedback, and the network.',
    anchor: 'PgHero replication lag (5 s); awesome-prometheus-alerts PostgresqlReplicationLag',
    check: (ctx) => {
      const worst = new Map<string, number>();
      for (const a of ctx.activity) for (const r of a.replication) if ((r.lagSeconds ?? 0) >= ctx.t('seconds')) worst.set(r.name, Math.max(worst.get(r.name) ?? 0, r.lagSeconds ?? 0));
      return [...worst].map(([name, lag]) => ({ object: name, message: `replay lag reached ${lag.toFixed(1)} s`, evidence: { lagSeconds: lag } }));
    },
  },
  {
    id: 'pg.performance.standby-delay', title: 'This standby is behind its primary', category: 'performance', severity: 'high', frequency: 'frequent',
    needs: ['series:recovery.'], thresholds: { seconds: 5 },
    evidence: 'recovery.replay_delay_seconds', explanation: 'On a standby: the last replayed transaction committed on the primary this long ago.',
    fix: 'Check the WAL receiver and replay conflicts: SELECT * FROM pg_stat_wal_receiver; SELECT * FROM pg_stat_database_conflicts;',
    anchor: 'PgHero replication lag (5 s)',
    check: (ctx) => {
      const d = ctx.value('recovery.replay_delay_seconds');
      if (d === null) return ctx.skip('not a standby (no replay delay reported)');
      return d >= ctx.t('seconds') ? [{ object: 'server', message: `replay delay ${d.toFixed(1)} s`, evidence: { replayDelaySeconds: d } }] : [];
    },
  },
  {
    id: 'pg.performance.temp-files', title: 'Large temporary files', category: 'performance', severity: 'low',
    needs: ['series:database_stats.temp_bytes'], thresholds: { bytes: 1 * GB },
    evidence: 'database_stats.temp_bytes (delta) per database over the window',
    explanation: 'Sorts and hashes that do not fit work_mem spill to disk, which is orders of magnitude slower.',
    fix: 'Find the statements (log_temp_files = 0) and raise work_mem for them: SET work_mem = \'64MB\'; or ALTER ROLE … SET work_mem.',
    anchor: 'postgres-checkup K003; pganalyze Check-Up "Temp files"',
    check: (ctx) => ctx.series('database_stats.temp_bytes').filter((s) => (s.windowSum ?? 0) >= ctx.t('bytes'))
      .map((s) => ({ object: s.labels.datname ?? '', message: `${((s.windowSum ?? 0) / MB).toFixed(0)} MB written to temporary files in ${ctx.input.windowHours} h`, evidence: { tempBytes: s.windowSum ?? 0 } })),
  },
  {
    id: 'pg.performance.deadlocks', title: 'Deadlocks', category: 'performance', severity: 'medium',
    needs: ['series:database_stats.deadlocks'], thresholds: { count: 1 },
    evidence: 'database_stats.deadlocks (delta) per database over the window',
    explanation: 'Each deadlock aborts a transaction: the application takes locks in different orders.',
    fix: 'Set log_lock_waits = on, read the deadlock reports in the server log, and take row locks in one order (ORDER BY id FOR UPDATE).',
    anchor: 'awesome-prometheus-alerts PostgresqlDeadlockDetected',
    check: (ctx) => ctx.series('database_stats.deadlocks').filter((s) => (s.windowSum ?? 0) >= ctx.t('count'))
      .map((s) => ({ object: s.labels.datname ?? '', message: `${s.windowSum} deadlocks in ${ctx.input.windowHours} h`, evidence: { deadlocks: s.windowSum ?? 0 } })),
  },
  {
    id: 'pg.performance.rollback-rate', title: 'High rollback rate', category: 'performance', severity: 'low',
    needs: ['series:database_stats.xact_rollback'], thresholds: { percent: 2, minTransactions: 1_000 },
    evidence: 'database_stats.xact_commit and xact_rollback (deltas) over the window',
    explanation: 'Many rollbacks are usually errors the application retries or swallows.',
    fix: 'Look for failing statements in the server log (log_min_error_statement = error).',
    anchor: 'awesome-prometheus-alerts PostgresqlHighRollbackRate (2 %)',
    check: (ctx) => {
      const commits = byLabel(ctx.series('database_stats.xact_commit'), 'datname');
      return ctx.series('database_stats.xact_rollback').flatMap((s) => {
        const r = s.windowSum ?? 0;
        const c = commits.get(s.labels.datname ?? '')?.windowSum ?? 0;
        return r + c >= ctx.t('minTransactions') && pct(r, r + c) >= ctx.t('percent') ? [{ object: s.labels.datname ?? '', message: `${pct(r, r + c)} % of transactions rolled back`, evidence: { rollbacks: r, commits: c } }] : [];
      });
    },
  },
  {
    id: 'pg.performance.requested-checkpoints', title: 'Checkpoints forced by WAL volume', category: 'performance', severity: 'low',
    needs: ['series:checkpointer.num_requested'], thresholds: { percent: 50, minCheckpoints: 10 },
    evidence: 'checkpointer.num_timed and num_requested (deltas) over the window',
    explanation: 'Checkpoints requested because max_wal_size filled come too often: more full-page writes and I/O bursts.',
    fix: 'ALTER SYSTEM SET max_wal_size = \'8GB\'; SELECT pg_reload_conf();',
    anchor: 'postgres-checkup F0xx checkpoints; PMM advisor postgresql_checkpoints',
    check: (ctx) => {
      const req = windowSum(ctx.series('checkpointer.num_requested')) ?? 0;
      const timed = windowSum(ctx.series('checkpointer.num_timed')) ?? 0;
      return req + timed >= ctx.t('minCheckpoints') && pct(req, req + timed) >= ctx.t('percent') ? [{ object: 'max_wal_size', message: `${pct(req, req + timed)} % of checkpoints were requested`, evidence: { requested: req, timed } }] : [];
    },
  },
  {
    id: 'pg.performance.backend-fsync', title: 'Backends doing their own fsync', category: 'performance', severity: 'medium',
    needs: ['series:bgwriter.buffers_backend_fsync'],
    evidence: 'bgwriter.buffers_backend_fsync (delta) over the window',
    explanation: 'When the checkpointer\'s fsync request queue is full, backends fsync themselves and stall.',
    fix: 'Spread checkpoints: checkpoint_completion_target = 0.9, larger max_wal_size; check the storage latency.',
    anchor: 'PostgreSQL docs pg_stat_bgwriter; pganalyze Check-Up',
    check: (ctx) => {
      const n = windowSum(ctx.series('bgwriter.buffers_backend_fsync')) ?? 0;
      return n > 0 ? [{ object: 'server', message: `${n} backend fsyncs in ${ctx.input.windowHours} h`, evidence: { backendFsyncs: n } }] : [];
    },
  },
  {
    id: 'pg.performance.unused-index', title: 'Unused indexes', category: 'performance', severity: 'low', needs: ['schema', 'history'], dataClass: 'history',
    thresholds: { minStatsDays: 14, minBytes: 1 * MB },
    evidence: 'schema snapshot: index scans (idx_scan = 0), size; statistics age',
    explanation: 'An index never scanned since the statistics started costs every write and memory, for nothing.',
    fix: 'DROP INDEX CONCURRENTLY <index>; (check replicas first: their scans are not counted here).',
    anchor: 'PgHero unused indexes; PMM advisor postgresql_unused_index',
    check: (ctx) => ctx.items('schema', 'index').filter((i) => i.stats?.unused === true && (num(i.stats.sizeBytes) ?? 0) >= ctx.t('minBytes'))
      .map((i) => ({ object: i.name, message: `index never scanned (${((num(i.stats?.sizeBytes) ?? 0) / MB).toFixed(1)} MB)`, evidence: { sizeBytes: num(i.stats?.sizeBytes), scans: 0 } })),
  },
  {
    id: 'pg.performance.duplicate-index', title: 'Duplicate indexes', category: 'performance', severity: 'medium', needs: ['schema'],
    evidence: 'schema snapshot: indexes covered by another index of the same table (same columns, operator classes, predicate)',
    explanation: 'An index whose columns are a prefix of another\'s, or equal to them, serves nothing the other does not.',
    fix: 'DROP INDEX CONCURRENTLY <index>;', anchor: 'PgHero duplicate indexes',
    check: (ctx) => ctx.items('schema', 'index').filter((i) => Array.isArray(i.stats?.duplicateOf) && (i.stats.duplicateOf as unknown[]).length > 0)
      .map((i) => ({ object: i.name, message: `covered by ${(i.stats?.duplicateOf as unknown[]).join(', ')}`, evidence: { coveredBy: (i.stats?.duplicateOf as unknown[]).join(','), definition: excerpt(String(i.def.definition ?? '')) } })),
  },
  // ---------- configuration ----------
  {
    id: 'pg.config.fsync-off', title: 'fsync off', category: 'configuration', severity: 'critical', needs: ['settings'], evidence: 'setting fsync',
    explanation: 'With fsync off a crash or power loss can corrupt the whole cluster, not just lose the last transactions.',
    fix: 'ALTER SYSTEM SET fsync = on; SELECT pg_reload_conf();', anchor: 'PMM advisor postgresql_fsync; issue 17 example',
    check: settingCheck('fsync', isOff, () => 'fsync is off'),
  },
  {
    id: 'pg.config.full-page-writes-off', title: 'full_page_writes off', category: 'configuration', severity: 'critical', needs: ['settings'], evidence: 'setting full_page_writes',
    explanation: 'Without full-page images a crash during a page write leaves torn pages that WAL replay cannot repair.',
    fix: 'ALTER SYSTEM SET full_page_writes = on; SELECT pg_reload_conf();', anchor: 'issue 17 example; PostgreSQL docs WAL configuration',
    check: settingCheck('full_page_writes', isOff, () => 'full_page_writes is off'),
  },
  {
    id: 'pg.config.pending-restart', title: 'Settings pending a restart', category: 'configuration', severity: 'medium', needs: ['settings'],
    evidence: 'settings snapshot: pending_restart',
    explanation: 'A changed setting that needs a restart is not in effect: the running server behaves as before.',
    fix: 'Restart PostgreSQL in a maintenance window (pg_ctl restart), or revert the change.', anchor: 'issue 17 example; pg_settings.pending_restart',
    check: (ctx) => ctx.items('settings', 'setting').filter((s) => s.def.pending_restart === true)
      .map((s) => settingFinding(s.name, String(s.def.setting ?? ''), `${s.name} changed but needs a restart`)),
  },
  {
    id: 'pg.config.synchronous-commit-off', title: 'synchronous_commit off', category: 'configuration', severity: 'low', needs: ['settings'], evidence: 'setting synchronous_commit',
    explanation: 'Commits return before their WAL is flushed: a crash loses up to 3 × wal_writer_delay of acknowledged transactions (no corruption).',
    fix: 'ALTER SYSTEM SET synchronous_commit = on; (or keep it off deliberately for the sessions that can lose data).', anchor: 'PostgreSQL docs WAL async commit',
    check: settingCheck('synchronous_commit', isOff, () => 'synchronous_commit is off'),
  },
  {
    id: 'pg.config.data-checksums-off', title: 'Data checksums disabled', category: 'configuration', severity: 'low', needs: ['settings'], evidence: 'setting data_checksums',
    explanation: 'Without checksums silent storage corruption is read as valid data.',
    fix: 'pg_checksums --enable (server stopped), or initdb --data-checksums for the next cluster.', anchor: 'pganalyze Check-Up "Data checksums"',
    check: settingCheck('data_checksums', isOff, () => 'data checksums are disabled'),
  },
  {
    id: 'pg.config.wal-level-minimal', title: 'wal_level minimal', category: 'configuration', severity: 'medium', needs: ['settings'], evidence: 'setting wal_level',
    explanation: 'wal_level = minimal rules out WAL archiving, point-in-time recovery and replicas.',
    fix: 'ALTER SYSTEM SET wal_level = replica; (restart)', anchor: 'PostgreSQL docs wal_level',
    check: settingCheck('wal_level', (v) => v === 'minimal', () => 'wal_level is minimal'),
  },
  {
    id: 'pg.config.archive-off', title: 'WAL archiving off', category: 'configuration', severity: 'low', needs: ['settings'], evidence: 'setting archive_mode',
    explanation: 'Without WAL archiving a base backup can only be restored to its own time: no point-in-time recovery.',
    fix: 'archive_mode = on and an archive_command (or pgBackRest / WAL-G), then restart.', anchor: 'postgres-checkup A002 backups',
    check: settingCheck('archive_mode', isOff, () => 'archive_mode is off'),
  },
  {
    id: 'pg.config.slot-wal-unbounded', title: 'Replication slots may retain unbounded WAL', category: 'configuration', severity: 'medium', needs: ['settings', 'series:replication_slots.'],
    evidence: 'setting max_slot_wal_keep_size; replication slots present', versions: 'PostgreSQL 13 and later', applies: (v) => v.major >= 13,
    explanation: 'max_slot_wal_keep_size = -1 lets one stuck slot fill the disk with WAL.',
    fix: 'ALTER SYSTEM SET max_slot_wal_keep_size = \'50GB\'; SELECT pg_reload_conf();', anchor: 'pganalyze Check-Up "Replication slots"',
    check: settingCheck('max_slot_wal_keep_size', (v) => v === '-1', () => 'slots exist and max_slot_wal_keep_size is unlimited'),
  },
  {
    id: 'pg.config.log-slow-off', title: 'Slow statements not logged', category: 'configuration', severity: 'low', needs: ['settings'], evidence: 'setting log_min_duration_statement',
    explanation: 'Without log_min_duration_statement slow statements leave no trace with their parameters in the log.',
    fix: 'ALTER SYSTEM SET log_min_duration_statement = \'1s\'; SELECT pg_reload_conf();', anchor: 'PMM advisor postgresql_log_min_duration',
    check: settingCheck('log_min_duration_statement', (v) => v === '-1', () => 'log_min_duration_statement is -1 (off)'),
  },
  {
    id: 'pg.config.checkpoint-target', title: 'checkpoint_completion_target low', category: 'configuration', severity: 'low', needs: ['settings'], thresholds: { min: 0.9 },
    evidence: 'setting checkpoint_completion_target',
    explanation: 'A low target writes a checkpoint\'s buffers in a burst; 0.9 (the default from 14) spreads them.',
    fix: 'ALTER SYSTEM SET checkpoint_completion_target = 0.9; SELECT pg_reload_conf();', anchor: 'PostgreSQL docs WAL configuration; postgres-checkup',
    check: (ctx) => settingCheck('checkpoint_completion_target', (v) => (num(v) ?? 1) < ctx.t('min'), (v) => `checkpoint_completion_target is ${v}`)(ctx),
  },
  {
    id: 'pg.config.idle-tx-timeout', title: 'No idle_in_transaction_session_timeout', category: 'configuration', severity: 'low', needs: ['settings'], evidence: 'setting idle_in_transaction_session_timeout',
    explanation: 'Without it a session that forgot to commit holds locks and the xmin horizon forever.',
    fix: 'ALTER SYSTEM SET idle_in_transaction_session_timeout = \'10min\'; SELECT pg_reload_conf();', anchor: 'pganalyze Check-Up; PgHero',
    check: settingCheck('idle_in_transaction_session_timeout', (v) => v === '0', () => 'idle_in_transaction_session_timeout is 0 (disabled)'),
  },
  {
    id: 'pg.config.track-io-timing', title: 'track_io_timing off', category: 'configuration', severity: 'low', needs: ['settings'], evidence: 'setting track_io_timing',
    explanation: 'Without it statements\' I/O time is not measured: slow queries cannot be told apart from slow disks.',
    fix: 'ALTER SYSTEM SET track_io_timing = on; SELECT pg_reload_conf();', anchor: 'pganalyze Check-Up "track_io_timing"',
    check: settingCheck('track_io_timing', isOff, () => 'track_io_timing is off'),
  },
  {
    id: 'pg.config.pg-stat-statements-missing', title: 'pg_stat_statements not loaded', category: 'configuration', severity: 'medium', needs: ['settings'], evidence: 'setting shared_preload_libraries',
    explanation: 'Without pg_stat_statements there are no per-statement statistics (Query Explorer, slow-statement rules).',
    fix: 'shared_preload_libraries = \'pg_stat_statements\' (restart), then CREATE EXTENSION pg_stat_statements;', anchor: 'PgHero query stats; PMM advisor postgresql_pg_stat_statements',
    check: settingCheck('shared_preload_libraries', (v) => !v.split(',').map((x) => x.trim()).includes('pg_stat_statements'), (v) => `shared_preload_libraries = '${v}'`),
  },
  {
    id: 'pg.config.max-connections-high', title: 'max_connections very high', category: 'configuration', severity: 'low', needs: ['settings'], thresholds: { max: 500 },
    evidence: 'setting max_connections',
    explanation: 'Hundreds of backends contend on locks and snapshots and each takes memory; a pooler serves the same clients better.',
    fix: 'Use PgBouncer in transaction mode and lower max_connections (restart).', anchor: 'PMM advisor postgresql_max_connections (more than 300 is flagged; 500 here: fewer false alarms on large hosts)',
    check: (ctx) => settingCheck('max_connections', (v) => (num(v) ?? 0) > ctx.t('max'), (v) => `max_connections = ${v}`)(ctx),
  },
  {
    id: 'pg.config.shared-buffers-ram', title: 'shared_buffers small for the host\'s RAM', category: 'configuration', severity: 'medium', needs: ['settings', 'host'], dataClass: 'host',
    thresholds: { minPercent: 15 }, evidence: 'setting shared_buffers; host RAM',
    explanation: 'shared_buffers well below a quarter of RAM leaves PostgreSQL relying on the OS cache with double buffering.',
    fix: 'ALTER SYSTEM SET shared_buffers = \'<25 % of RAM>\'; (restart)', anchor: 'PMM advisor postgresql_shared_buffers; PostgreSQL docs (25 % of RAM)',
    check: (ctx) => {
      const ram = ctx.input.host?.memoryBytes ?? null;
      if (ram === null) return ctx.skip('the host\'s RAM is not known (co-located agent without memory facts)');
      const sb = pgBytes(ctx.settingItem('shared_buffers'));
      if (sb === null) return ctx.skip('the server did not report shared_buffers');
      return pct(sb, ram) < ctx.t('minPercent') ? [settingFinding('shared_buffers', String(sb), `shared_buffers is ${pct(sb, ram)} % of RAM`, { ramBytes: ram })] : [];
    },
  },
  {
    id: 'pg.config.work-mem-ram', title: 'work_mem × max_connections exceeds RAM', category: 'configuration', severity: 'medium', needs: ['settings', 'host'], dataClass: 'host',
    evidence: 'settings work_mem, max_connections; host RAM',
    explanation: 'Every sort or hash of every connection may take work_mem: with all connections busy the host swaps or the OOM killer strikes.',
    fix: 'Lower work_mem globally and raise it per role or session where needed: ALTER ROLE reporting SET work_mem = \'256MB\';', anchor: 'MySQLTuner-style memory bound, applied to PostgreSQL (pganalyze Check-Up "Memory")',
    check: (ctx) => {
      const ram = ctx.input.host?.memoryBytes ?? null;
      if (ram === null) return ctx.skip('the host\'s RAM is not known');
      const wm = pgBytes(ctx.settingItem('work_mem'));
      const mc = num(ctx.setting('max_connections'));
      if (wm === null || mc === null) return ctx.skip('the server did not report work_mem or max_connections');
      return wm * mc > ram ? [settingFinding('work_mem', String(wm), `work_mem × max_connections = ${((wm * mc) / GB).toFixed(1)} GB > RAM ${(ram / GB).toFixed(1)} GB`)] : [];
    },
  },
  {
    id: 'pg.config.version-eol', title: 'PostgreSQL version past end of life', category: 'configuration', severity: 'high', frequency: 'rare', needs: [], dataClass: 'external',
    evidence: 'server version; the end-of-life table shipped with the server (dated)',
    explanation: 'A major version past its end of life gets no security or bug fixes.',
    fix: 'Upgrade with pg_upgrade or logical replication to a supported major version.', anchor: 'PMM advisor postgresql_version; endoflife.date/postgresql',
    check: (ctx) => eolCheck(ctx, 'postgresql'),
  },
  // ---------- security ----------
  {
    id: 'pg.security.login-superusers', title: 'Superusers that can log in', category: 'security', severity: 'medium', needs: ['access'],
    evidence: 'access snapshot: roles with rolsuper and rolcanlogin',
    explanation: 'Every login superuser bypasses all permission checks; the bootstrap superuser (postgres) is expected, others should be ordinary roles.',
    fix: 'ALTER ROLE <role> NOSUPERUSER; (grant pg_monitor, pg_read_all_data or ownership as needed)', anchor: 'issue 17 example; PMM advisor postgresql_super_role',
    check: (ctx) => ctx.items('access', 'role').filter((r) => r.def.rolsuper === true && r.def.rolcanlogin === true && r.name !== 'postgres')
      .map((r) => ({ object: r.name, message: `${r.name} is a superuser that can log in`, evidence: { role: r.name } })),
  },
  {
    id: 'pg.security.role-password-hash', title: 'Role passwords stored as MD5 or in clear', category: 'security', severity: 'medium', needs: ['access'], dataClass: 'privilege',
    evidence: 'access snapshot: password_encryption per role (derived from pg_authid.rolpassword\'s prefix by the agent, never the hash), readable only when the monitoring user may read pg_authid (superuser)',
    explanation: 'A role whose stored password is an MD5 hash keeps it after password_encryption changed to scram-sha-256: MD5 hashes can be replayed and brute-forced, and MD5 support is deprecated (PostgreSQL 18). Until the password is set again it stays MD5.',
    fix: 'SET password_encryption = \'scram-sha-256\'; ALTER ROLE <role> PASSWORD \'<new password>\'; (\\password <role> in psql)', anchor: 'PMM advisor postgresql_password_encryption (per role); PostgreSQL docs 21.5 password authentication',
    check: (ctx) => {
      const roles = ctx.items('access', 'role');
      if (!roles.some((r) => r.def.password_readable === true)) {
        return ctx.skip('not readable: how passwords are stored is in pg_authid, which only a superuser may read; the least-privilege monitoring user (pg_monitor) cannot');
      }
      return roles.filter((r) => r.def.password_encryption === 'md5' || r.def.password_encryption === 'plain')
        .map((r) => ({ object: r.name, ...(r.def.password_encryption === 'plain' ? { severity: 'high' as const } : {}), message: `${r.name}'s password is stored as ${String(r.def.password_encryption)}`, evidence: { role: r.name, passwordEncryption: String(r.def.password_encryption) } }));
    },
  },
  {
    id: 'pg.security.public-schema-create', title: 'PUBLIC may create in schema public', category: 'security', severity: 'high', needs: ['access'],
    evidence: 'access snapshot: privileges of PUBLIC on schema public', versions: 'default before PostgreSQL 15',
    explanation: 'Any role can create objects in schema public and plant functions that other roles resolve first (CVE-2018-1058).',
    fix: 'REVOKE CREATE ON SCHEMA public FROM PUBLIC;', anchor: 'issue 17 example; PostgreSQL docs 5.9.6 secure schema usage pattern',
    check: (ctx) => ctx.items('access', 'privilege').filter((p) => /^PUBLIC on schema .+\.public$/.test(p.name) && Array.isArray(p.def.privileges) && (p.def.privileges as unknown[]).includes('CREATE'))
      .map((p) => ({ object: p.name.replace(/^PUBLIC on /, ''), message: 'PUBLIC has CREATE on schema public', evidence: { privileges: (p.def.privileges as string[]).join(',') } })),
  },
  {
    id: 'pg.security.public-table-write', title: 'PUBLIC may write to tables', category: 'security', severity: 'high', needs: ['access'],
    evidence: 'access snapshot: table privileges granted to PUBLIC',
    explanation: 'Every role, present and future, can change these tables.',
    fix: 'REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON <table> FROM PUBLIC;', anchor: 'PMM advisor postgresql_public_privileges',
    check: (ctx) => ctx.items('access', 'privilege').filter((p) => p.name.startsWith('PUBLIC on table ') && Array.isArray(p.def.privileges) && (p.def.privileges as string[]).some((x) => ['INSERT', 'UPDATE', 'DELETE', 'TRUNCATE'].includes(x)))
      .map((p) => ({ object: p.name.replace(/^PUBLIC on table /, ''), message: `PUBLIC may ${(p.def.privileges as string[]).join(', ')}`, evidence: { privileges: (p.def.privileges as string[]).join(',') } })),
  },
  {
    id: 'pg.security.md5-passwords', title: 'Passwords hashed with MD5', category: 'security', severity: 'medium', needs: ['settings'], evidence: 'setting password_encryption',
    explanation: 'MD5 password hashes can be replayed and brute-forced; SCRAM-SHA-256 is the default from PostgreSQL 14.',
    fix: 'ALTER SYSTEM SET password_encryption = \'scram-sha-256\'; then reset every password, and use scram-sha-256 in pg_hba.conf.', anchor: 'PMM advisor postgresql_password_encryption',
    check: settingCheck('password_encryption', (v) => v === 'md5' || v === 'on', (v) => `password_encryption = ${v}`),
  },
  {
    id: 'pg.security.ssl-off', title: 'TLS disabled', category: 'security', severity: 'medium', needs: ['settings'], evidence: 'setting ssl',
    explanation: 'Without TLS passwords (MD5) and data cross the network in clear.',
    fix: 'ssl = on with ssl_cert_file/ssl_key_file; require hostssl in pg_hba.conf.', anchor: 'PMM advisor postgresql_ssl',
    check: settingCheck('ssl', isOff, () => 'ssl is off'),
  },
  {
    id: 'pg.security.listen-all', title: 'Listening on all interfaces', category: 'security', severity: 'low', needs: ['settings'], evidence: 'setting listen_addresses',
    explanation: 'listen_addresses = \'*\' exposes the server on every network the host is on; pg_hba.conf is then the only barrier.',
    fix: 'listen_addresses = \'localhost,<private address>\' (restart).', anchor: 'CIS PostgreSQL Benchmark 3.1',
    check: settingCheck('listen_addresses', (v) => v.split(',').map((x) => x.trim()).some((x) => x === '*' || x === '0.0.0.0' || x === '::'), (v) => `listen_addresses = '${v}'`),
  },
  {
    id: 'pg.security.bypassrls-createrole', title: 'Login roles with CREATEROLE or BYPASSRLS', category: 'security', severity: 'low', needs: ['access'],
    evidence: 'access snapshot: roles with rolcreaterole or rolbypassrls that can log in',
    explanation: 'CREATEROLE can grant itself most privileges (before 16); BYPASSRLS ignores every row-level security policy.',
    fix: 'ALTER ROLE <role> NOCREATEROLE NOBYPASSRLS;', anchor: 'CIS PostgreSQL Benchmark 4.x',
    check: (ctx) => ctx.items('access', 'role').filter((r) => r.def.rolcanlogin === true && r.def.rolsuper !== true && (r.def.rolcreaterole === true || r.def.rolbypassrls === true) && !isSystemRole(r.name))
      .map((r) => ({ object: r.name, message: `${r.name} can log in with ${[r.def.rolcreaterole === true ? 'CREATEROLE' : '', r.def.rolbypassrls === true ? 'BYPASSRLS' : ''].filter(Boolean).join(' and ')}`, evidence: { createrole: r.def.rolcreaterole === true, bypassrls: r.def.rolbypassrls === true } })),
  },
  {
    id: 'pg.security.log-connections', title: 'Connections not logged', category: 'security', severity: 'low', needs: ['settings'], evidence: 'setting log_connections',
    explanation: 'Without connection logging there is no trail of who connected from where.',
    fix: 'ALTER SYSTEM SET log_connections = on; SELECT pg_reload_conf();', anchor: 'CIS PostgreSQL Benchmark 3.1.20',
    check: settingCheck('log_connections', isOff, () => 'log_connections is off'),
  },
  // ---------- schema ----------
  {
    id: 'pg.schema.no-primary-key', title: 'Tables without a primary key', category: 'schema', severity: 'medium', needs: ['schema'],
    evidence: 'schema snapshot: tables (relkind r, not partitions) without a primary key',
    explanation: 'Without a primary key rows cannot be addressed reliably, logical replication cannot replicate updates and deletes, and duplicates creep in.',
    fix: 'ALTER TABLE <table> ADD PRIMARY KEY (id); or ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY;', anchor: 'pganalyze Check-Up "Schema: no primary key"; PMM advisor (MySQL counterpart)',
    check: (ctx) => ctx.items('schema', 'table').filter((t) => t.def.relkind === 'r' && t.def.has_primary_key === false && !t.def.partition_of)
      .map((t) => ({ object: t.name, message: `${t.name} has no primary key`, evidence: { estimatedRows: num(t.stats?.estimated_rows) } })),
  },
  {
    id: 'pg.schema.not-valid-constraint', title: 'NOT VALID constraints', category: 'schema', severity: 'low', needs: ['schema'],
    evidence: 'schema snapshot: constraints with convalidated = false',
    explanation: 'A NOT VALID constraint is enforced for new rows only: existing rows may violate it and the planner cannot rely on it.',
    fix: 'ALTER TABLE <table> VALIDATE CONSTRAINT <constraint>;', anchor: 'issue 17 example',
    check: (ctx) => ctx.items('schema', 'constraint').filter((c) => c.def.validated === false)
      .map((c) => ({ object: c.name, message: `constraint ${c.name} is NOT VALID`, evidence: { definition: excerpt(String(c.def.definition ?? '')) } })),
  },
  {
    id: 'pg.schema.fk-without-index', title: 'Foreign keys without an index', category: 'schema', severity: 'medium', needs: ['schema'],
    evidence: 'schema snapshot: foreign keys whose columns lead no index',
    explanation: 'Deleting or updating a referenced row scans the whole referencing table, under lock.',
    fix: 'CREATE INDEX CONCURRENTLY ON <table> (<fk columns>);', anchor: 'issue 17 example; pganalyze Check-Up "Missing FK indexes"',
    check: (ctx) => ctx.items('schema', 'foreign_key').filter((f) => f.stats?.hasIndex === false)
      .map((f) => ({ object: f.name, message: `foreign key ${f.name} (${Array.isArray(f.def.columns) ? (f.def.columns as string[]).join(', ') : ''}) has no index`, evidence: { columns: Array.isArray(f.def.columns) ? (f.def.columns as string[]).join(',') : null, references: String(f.def.referenced_table ?? '') } })),
  },
  {
    id: 'pg.schema.unlogged-table', title: 'Unlogged tables', category: 'schema', severity: 'low', needs: ['schema'],
    evidence: 'schema snapshot: tables with relpersistence u',
    explanation: 'Unlogged tables are emptied after a crash and are not replicated.',
    fix: 'ALTER TABLE <table> SET LOGGED; (if the data must survive)', anchor: 'PostgreSQL docs CREATE UNLOGGED TABLE',
    check: (ctx) => ctx.items('schema', 'table').filter((t) => t.def.relpersistence === 'u').map((t) => ({ object: t.name, message: `${t.name} is unlogged`, evidence: {} })),
  },
  {
    id: 'pg.schema.serial-integer', title: 'Integer primary keys fed by sequences', category: 'schema', severity: 'low', needs: ['schema'],
    evidence: 'schema snapshot: integer (int4) primary-key columns with a nextval default',
    explanation: 'An int4 key stops at 2,147,483,647; migrating a large table to bigint later takes a long rewrite.',
    fix: 'ALTER TABLE <table> ALTER COLUMN <column> TYPE bigint; (plan it while the table is small)', anchor: 'PgHero sequence_danger (preventive)',
    check: (ctx) => ctx.items('schema', 'column').filter((c) => c.def.type === 'integer' && typeof c.def.default === 'string' && c.def.default.startsWith('nextval('))
      .map((c) => ({ object: c.name, message: `${c.name} is an integer fed by a sequence`, evidence: { type: 'integer', default: excerpt(String(c.def.default)) } })),
  },
]);

