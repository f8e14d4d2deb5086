import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
import type { Timestamp } from '../column-types';

export interface QueryTable {
  organization_id: string;
  target_id: string;
  fingerprint: string;
  engine: string;
  database_name: string | null;
  query_text: string | null;
  /** Reads only catalogs or is a monitoring command (monitoring-statements.ts): hidden by default. */
  monitoring: Generated<boolean>;
  /** The users seen running it (PostgreSQL roles), sorted; NULL for engines without users and statements stored before. */
  users: ColumnType<string[] | null, string | null | undefined, string | null>;
  first_seen: Timestamp;
  last_seen: Timestamp;
}
export type QueryRow = Selectable<QueryTable>;

export interface QueryStatTable {
  organization_id: string;
  target_id: string;
  fingerprint: string;
  ts: Timestamp;
  calls: number;
  total_time_ms: number;
  rows: number;
  blocks_hit: number;
  blocks_read: number;
  /** MySQL/MariaDB statement digests only (NULL elsewhere): rows examined, runs without an index, full scans and joins, temporary tables on disk. */
  rows_examined?: number | null;
  no_index_used?: number | null;
  full_scans?: number | null;
  full_joins?: number | null;
  tmp_disk_tables?: number | null;
  /** PostgreSQL only (NULL elsewhere): temporary-file blocks, block read/write time, and the sum of squared execution times (ms²). */
  temp_blks_read?: number | null;
  temp_blks_written?: number | null;
  blk_read_time_ms?: number | null;
  blk_write_time_ms?: number | null;
  exec_time_sq?: number | null;
  /** PostgreSQL only: per user, its share of the counters above, as an array in USER_STAT_COLUMNS order. */
  by_user?: ColumnType<Record<string, Array<number | null>> | null, string | null | undefined, string | null>;
}
export type NewQueryStatRow = Insertable<QueryStatTable>;

/** The applications whose sessions showed a statement (PostgreSQL query_id) in the runtime snapshots. */
export interface StatementApplicationTable {
  organization_id: string;
  target_id: string;
  fingerprint: string;
  application: string;
  first_seen: Timestamp;
  last_seen: Timestamp;
}

export interface QueriesTables {
  queries: QueryTable;
  query_stats: QueryStatTable;
  statement_applications: StatementApplicationTable;
}
