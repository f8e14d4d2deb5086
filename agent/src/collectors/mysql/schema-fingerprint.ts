import type { TargetSpec } from '../types';
import type { MysqlConn } from './connection';
import { schemaFilter } from './schema-filter';
import { num, str } from './text';

/**
 * A cheap summary of each monitored schema for the 10-minute operational collection: its columns and index columns
 * counted and hashed (a sum of CRC32, independent of order). When it changes between two collections the runner
 * starts the full schema collection at once, instead of at the next 4-hourly run.
 * https://mariadb.com/kb/en/information-schema-columns-table/ and …-statistics-table/
 */
export function schemaFingerprintSql(where: string, whereIndexes: string): string {
  return `SELECT schema_name, SUM(items) AS items, CAST(SUM(digest) AS CHAR) AS digest FROM (
    SELECT TABLE_SCHEMA AS schema_name, COUNT(*) AS items,
           SUM(CRC32(CONCAT_WS('|', TABLE_NAME, COLUMN_NAME, ORDINAL_POSITION, COLUMN_TYPE, IS_NULLABLE))) AS digest
      FROM information_schema.COLUMNS WHERE ${where} GROUP BY TABLE_SCHEMA
    UNION ALL
    SELECT TABLE_SCHEMA, COUNT(*), SUM(CRC32(CONCAT_WS('|', TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX, COLUMN_NAME, NON_UNIQUE)))
      FROM information_schema.STATISTICS WHERE ${whereIndexes} GROUP BY TABLE_SCHEMA
  ) parts GROUP BY schema_name ORDER BY schema_name`;
}

export interface SchemaFingerprintRow {
  schema: string;
  items: number;
  digest: string;
}

export async function collectSchemaFingerprint(conn: MysqlConn, target: TargetSpec): Promise<SchemaFingerprintRow[]> {
  const columns = schemaFilter('TABLE_SCHEMA', target);
  const indexes = schemaFilter('TABLE_SCHEMA', target);
  const rows = await conn.query(schemaFingerprintSql(columns.sql, indexes.sql), [...columns.params, ...indexes.params]);
  return rows.map((r) => ({ schema: str(r['schema_name']) ?? '', items: num(r['items']) ?? 0, digest: str(r['digest']) ?? '' }));
}
