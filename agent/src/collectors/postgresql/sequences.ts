import { MAX_RELATIONS_PER_DATABASE, userSchema } from './catalog-filter';
import type { PgConn } from './pool';
import type { PgRow } from './sections';

// https://www.postgresql.org/docs/current/view-pg-sequences.html
// Headroom counts against the tighter of the sequence's own bound and the column it feeds: a bigint sequence behind
// an integer column (common after `serial` on old versions) fails at 2^31, not 2^63. Values are 64-bit, so they stay
// text; the percentage is computed in numeric on the server.
// pg_sequences.last_value is NULL when the role has neither SELECT nor USAGE on the sequence (pg_monitor does not
// grant it; see agent/setup/postgresql.sql) and before the first nextval(): last_value_readable tells which.
export const sequencesSql = `
WITH seq AS (
  SELECT s.*, c.oid AS seq_oid,
         col.table_name, col.column_name, col.column_type, col.type_oid
    FROM pg_sequences s
    JOIN pg_namespace n ON n.nspname = s.schemaname
    JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = s.sequencename
    LEFT JOIN LATERAL (
          SELECT tc.relname AS table_name, a.attname AS column_name,
                 format_type(a.atttypid, a.atttypmod) AS column_type, a.atttypid AS type_oid
            FROM pg_depend d
            JOIN pg_class tc ON tc.oid = d.refobjid
            JOIN pg_attribute a ON a.attrelid = tc.oid AND a.attnum = d.refobjsubid
           WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
             AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
           LIMIT 1) col ON true
   WHERE ${userSchema('n')}
), bounded AS (
  SELECT seq.*,
         least(seq.max_value::numeric, CASE seq.type_oid WHEN 'int2'::regtype THEN 32767
                                                        WHEN 'int4'::regtype THEN 2147483647
                                                        ELSE seq.max_value::numeric END) AS effective_max,
         greatest(seq.min_value::numeric, CASE seq.type_oid WHEN 'int2'::regtype THEN -32768
                                                           WHEN 'int4'::regtype THEN -2147483648
                                                           ELSE seq.min_value::numeric END) AS effective_min
    FROM seq
)
SELECT schemaname AS schema,
       sequencename AS name,
       data_type::text AS data_type,
       start_value::text AS start_value,
       min_value::text AS min_value,
       max_value::text AS max_value,
       increment_by::text AS increment_by,
       cycle,
       last_value::text AS last_value,
       (has_sequence_privilege(seq_oid, 'SELECT') OR has_sequence_privilege(seq_oid, 'USAGE')) AS last_value_readable,
       table_name AS owned_by_table,
       column_name AS owned_by_column,
       column_type AS owned_by_column_type,
       effective_max::text AS effective_max,
       effective_min::text AS effective_min,
       CASE WHEN last_value IS NULL OR effective_max = effective_min THEN NULL
            WHEN increment_by > 0 THEN round(100 * (last_value - effective_min) / (effective_max - effective_min), 4)::float8
            ELSE round(100 * (effective_max - last_value) / (effective_max - effective_min), 4)::float8
       END AS percent_used
  FROM bounded
 ORDER BY percent_used DESC NULLS LAST, schemaname, sequencename
 LIMIT ${MAX_RELATIONS_PER_DATABASE}`;

export async function collectSequences(conn: PgConn): Promise<PgRow<'sequences'>[]> {
  return conn.rows<PgRow<'sequences'>>(sequencesSql);
}
