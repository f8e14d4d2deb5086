import type { PgConn } from './pool';
import type { PgRow } from './sections';

// https://www.postgresql.org/docs/current/catalog-pg-database.html and
// https://www.postgresql.org/docs/current/routine-vacuuming.html#VACUUM-FOR-WRAPAROUND
// pg_database_size() needs CONNECT on the database or pg_read_all_stats (part of pg_monitor); without either it is
// skipped rather than failing the whole list. Transaction-ID age is shown against the 2^31 wraparound horizon.
export const databasesSql = `
SELECT d.oid,
       d.datname,
       pg_get_userbyid(d.datdba) AS owner,
       pg_encoding_to_char(d.encoding) AS encoding,
       d.datcollate,
       d.datistemplate,
       d.datallowconn,
       d.datconnlimit,
       CASE WHEN has_database_privilege(d.oid, 'CONNECT') OR pg_has_role('pg_read_all_stats', 'USAGE')
            THEN pg_database_size(d.oid) END AS size_bytes,
       age(d.datfrozenxid) AS xid_age,
       mxid_age(d.datminmxid) AS mxid_age,
       round(100.0 * age(d.datfrozenxid) / 2147483647, 2)::float8 AS xid_wraparound_percent,
       current_setting('autovacuum_freeze_max_age')::int AS autovacuum_freeze_max_age
  FROM pg_database d
 ORDER BY d.datname`;

// Connectable, non-template databases: the ones per-database collectors visit.
export const connectableDatabasesSql = `
SELECT datname, has_database_privilege(oid, 'CONNECT') AS can_connect
  FROM pg_database
 WHERE NOT datistemplate AND datallowconn
 ORDER BY datname`;

type DatabaseRow = PgRow<'databases'> & { datname: string; datistemplate: boolean };

/** Templates stay in the list whatever the filter: template1 ages towards wraparound like any other database. */
export async function collectDatabases(conn: PgConn, includeDatabase: (name: string) => boolean): Promise<PgRow<'databases'>[]> {
  const rows = await conn.rows<DatabaseRow>(databasesSql);
  return rows.filter((row) => row.datistemplate || includeDatabase(row.datname));
}

export async function listConnectableDatabases(conn: PgConn): Promise<Array<{ datname: string; can_connect: boolean }>> {
  return conn.rows(connectableDatabasesSql);
}
