import type { TargetSpec } from '../types';
import type { MysqlConn } from './connection';
import { schemaFilter } from './schema-filter';
import { num, str } from './text';

/**
 * Column definitions. Defaults are part of the DDL, not row data. Bounded so a schema with very many tables cannot
 * produce an unbounded payload.
 * https://mariadb.com/kb/en/information-schema-columns-table/
 * https://dev.mysql.com/doc/refman/8.0/en/information-schema-columns-table.html
 */
export const COLUMNS_LIMIT = 100_000;

export function columnsSql(where: string): string {
  return `SELECT TABLE_SCHEMA AS schema_name, TABLE_NAME AS table_name, COLUMN_NAME AS name, ORDINAL_POSITION AS position,
    COLUMN_TYPE AS column_type, DATA_TYPE AS data_type, IS_NULLABLE AS nullable, COLUMN_DEFAULT AS column_default,
    COLUMN_KEY AS column_key, EXTRA AS extra, CHARACTER_SET_NAME AS charset, COLLATION_NAME AS collation
  FROM information_schema.COLUMNS
  WHERE ${where}
  ORDER BY TABLE_SCHEMA, TABLE_NAME, ORDINAL_POSITION
  LIMIT ${COLUMNS_LIMIT}`;
}

export interface ColumnRow {
  schema: string;
  table: string;
  name: string;
  position: number | null;
  columnType: string | null;
  dataType: string | null;
  nullable: boolean;
  default: string | null;
  key: string | null;
  extra: string | null;
  charset: string | null;
  collation: string | null;
}

export async function collectColumns(conn: MysqlConn, target: TargetSpec): Promise<ColumnRow[]> {
  const f = schemaFilter('TABLE_SCHEMA', target);
  const rows = await conn.query(columnsSql(f.sql), f.params);
  return rows.map((r) => ({
    schema: String(r['schema_name']),
    table: String(r['table_name']),
    name: String(r['name']),
    position: num(r['position']),
    columnType: str(r['column_type']),
    dataType: str(r['data_type']),
    nullable: r['nullable'] === 'YES',
    default: str(r['column_default']),
    key: str(r['column_key']) || null,
    extra: str(r['extra']) || null,
    charset: str(r['charset']),
    collation: str(r['collation']),
  }));
}
