import type { PgConn } from './pool';

// https://www.postgresql.org/docs/current/runtime-config-connection.html#GUC-MAX-CONNECTIONS
// Only client backends count against max_connections in practice (background workers have their own slots).
// reserved_connections (for pg_use_reserved_connections) exists from 16.
export function connectionsSql(versionNum: number): string {
  return `
SELECT current_setting('max_connections')::int AS max_connections,
       current_setting('superuser_reserved_connections')::int AS superuser_reserved_connections,
       ${versionNum >= 160000 ? "current_setting('reserved_connections')::int" : '0'} AS reserved_connections,
       coalesce((SELECT json_agg(g ORDER BY g.datname, g.state)
                   FROM (SELECT datname, coalesce(state, 'unknown') AS state, count(*)::int AS count
                           FROM pg_stat_activity
                          WHERE backend_type = 'client backend'
                          GROUP BY 1, 2) g), '[]'::json) AS groups`;
}

interface ConnectionsRow {
  max_connections: number;
  superuser_reserved_connections: number;
  reserved_connections: number;
  groups: Array<{ datname: string | null; state: string; count: number }>;
}

export interface Connections {
  max_connections: number;
  superuser_reserved_connections: number;
  reserved_connections: number;
  total: number;
  /** Connections left for ordinary roles before "too many clients". */
  available: number;
  used_percent: number;
  by_state: Record<string, number>;
  by_database: Array<{ datname: string | null; state: string; count: number }>;
}

export async function collectConnections(conn: PgConn): Promise<Connections> {
  const [row] = await conn.rows<ConnectionsRow>(connectionsSql(conn.server.versionNum));
  if (!row) throw new Error('connections query returned no row');
  const byState: Record<string, number> = {};
  let total = 0;
  for (const group of row.groups) {
    byState[group.state] = (byState[group.state] ?? 0) + group.count;
    total += group.count;
  }
  const usable = row.max_connections - row.superuser_reserved_connections - row.reserved_connections;
  return {
    max_connections: row.max_connections,
    superuser_reserved_connections: row.superuser_reserved_connections,
    reserved_connections: row.reserved_connections,
    total,
    available: Math.max(0, usable - total),
    used_percent: usable > 0 ? Math.round((total / usable) * 10_000) / 100 : 100,
    by_state: byState,
    by_database: row.groups,
  };
}
