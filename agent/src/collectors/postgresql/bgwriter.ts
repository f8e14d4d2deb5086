import type { CounterSpec } from '../types';
import type { PgConn } from './pool';
import type { PgSection } from './sections';

// https://www.postgresql.org/docs/current/monitoring-stats.html#MONITORING-PG-STAT-BGWRITER-VIEW
// https://www.postgresql.org/docs/current/monitoring-stats.html#MONITORING-PG-STAT-CHECKPOINTER-VIEW
// PostgreSQL 17 moved the checkpoint columns out of pg_stat_bgwriter into pg_stat_checkpointer and renamed them;
// older servers are read with the 17 names so one series spans an upgrade. buffers_backend(_fsync) left for pg_stat_io.
export const bgwriterSql = 'SELECT * FROM pg_stat_bgwriter';
export const checkpointerSql = 'SELECT * FROM pg_stat_checkpointer';

const CHECKPOINTER_NAMES_BEFORE_17: Readonly<Record<string, string>> = {
  checkpoints_timed: 'num_timed',
  checkpoints_req: 'num_requested',
  checkpoint_write_time: 'write_time',
  checkpoint_sync_time: 'sync_time',
  buffers_checkpoint: 'buffers_written',
};

export interface BgwriterStats {
  bgwriter: PgSection<'bgwriter'>;
  checkpointer: PgSection<'checkpointer'>;
}

export async function collectBgwriter(conn: PgConn): Promise<BgwriterStats> {
  const [bgRow] = await conn.rows<PgSection<'bgwriter'>>(bgwriterSql);
  const bgwriter: PgSection<'bgwriter'> = {};
  const checkpointer: PgSection<'checkpointer'> = {};
  for (const [column, value] of Object.entries(bgRow ?? {})) {
    const renamed = CHECKPOINTER_NAMES_BEFORE_17[column];
    if (renamed) checkpointer[renamed] = value;
    else bgwriter[column] = value;
  }
  if (conn.server.versionNum >= 170000) {
    const [cpRow] = await conn.rows<PgSection<'checkpointer'>>(checkpointerSql);
    Object.assign(checkpointer, cpRow ?? {});
  } else {
    // Before 17 both processes shared one reset time.
    checkpointer['stats_reset'] = bgwriter['stats_reset'] ?? null;
  }
  return { bgwriter, checkpointer };
}

/** Every numeric column of a single-row statistics view is a cumulative counter. */
export function numericCounters(row: Record<string, unknown>): CounterSpec {
  return { key: [], counters: Object.keys(row).filter((column) => typeof row[column] === 'number') };
}
