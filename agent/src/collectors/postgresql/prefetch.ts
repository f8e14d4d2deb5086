import { hasSqlState } from './failure';
import type { PgConn } from './pool';

/**
 * Runs the statements a category is about to need in one round trip, and returns the session as its collectors see
 * it: a statement among them answers from that result, anything else goes to the server as usual. The collectors
 * keep their own SQL and row handling, unchanged.
 *
 * One round trip instead of one per statement (six for runtime, every 10 s per target) is less work for the server
 * and for the agent. When a statement fails (a missing privilege, a timeout), the whole message fails: then each
 * statement runs again on its own, so every collector still gets its own error and the others their rows.
 */
export async function prefetched(conn: PgConn, sqls: readonly string[]): Promise<PgConn> {
  let answers = new Map<string, Record<string, unknown>[]>();
  if (sqls.length > 1) {
    try {
      const results = await conn.batch(sqls);
      if (results.length === sqls.length) answers = new Map(sqls.map((sql, i) => [sql, results[i]!]));
    } catch (error) {
      // A broken session (no SQLSTATE) fails the collection as a single statement would have.
      if (!hasSqlState(error)) throw error;
    }
  }
  return {
    server: conn.server,
    rows: async <R extends object>(sql: string, params?: unknown[]) => {
      const answer = params === undefined || params.length === 0 ? answers.get(sql) : undefined;
      if (!answer) return conn.rows<R>(sql, params);
      // Each answer serves one call: a collector asking twice gets fresh rows the second time.
      answers.delete(sql);
      return answer as R[];
    },
    batch: (more) => conn.batch(more),
  };
}
