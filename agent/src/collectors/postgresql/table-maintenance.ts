import { MAX_RELATIONS_PER_DATABASE } from './catalog-filter';
import type { PgConn } from './pool';
import type { PgRow } from './sections';

// https://www.postgresql.org/docs/current/monitoring-stats.html#MONITORING-PG-STAT-ALL-TABLES-VIEW and
// https://www.postgresql.org/docs/current/routine-vacuuming.html#VACUUM-FOR-WRAPAROUND
// Per table: vacuum/analyze history, dead rows and transaction-ID age (including the TOAST table, which autovacuum
// freezes separately). Partitioned parents hold no rows and no relfrozenxid. n_ins_since_vacuum exists from 13.
// seq_scan and seq_tup_read (cumulative since the statistics reset) show the tables read whole, the usual missing index.
// reloptions show per-table autovacuum overrides (autovacuum_enabled=false is a classic cause of bloat).
export function tableMaintenanceSql(versionNum: number): string {
  return `
SELECT s.schemaname AS schema,
       s.relname AS table,
       s.n_live_tup,
       s.n_dead_tup,
       s.n_mod_since_analyze,
       ${versionNum >= 130000 ? 's.n_ins_since_vacuum' : 'NULL::bigint AS n_ins_since_vacuum'},
       s.last_vacuum,
       s.last_autovacuum,
       s.last_analyze,
       s.last_autoanalyze,
       s.vacuum_count,
       s.autovacuum_count,
       s.analyze_count,
       s.autoanalyze_count,
       s.seq_scan,
       s.seq_tup_read,
       s.idx_scan,
       CASE WHEN c.relkind <> 'p' THEN age(c.relfrozenxid) END AS xid_age,
       CASE WHEN c.relkind <> 'p' THEN greatest(age(c.relfrozenxid), age(t.relfrozenxid)) END AS xid_age_with_toast,
       CASE WHEN c.relkind <> 'p' THEN mxid_age(c.relminmxid) END AS mxid_age,
       c.reloptions
  FROM pg_stat_user_tables s
  JOIN pg_class c ON c.oid = s.relid
  LEFT JOIN pg_class t ON t.oid = c.reltoastrelid
 ORDER BY xid_age_with_toast DESC NULLS LAST, s.schemaname, s.relname
 LIMIT ${MAX_RELATIONS_PER_DATABASE}`;
}

export async function collectTableMaintenance(conn: PgConn): Promise<PgRow<'table_maintenance'>[]> {
  return conn.rows<PgRow<'table_maintenance'>>(tableMaintenanceSql(conn.server.versionNum));
}
