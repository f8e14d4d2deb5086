import type { TargetSpec } from '../types';
import type { MysqlConn } from './connection';
import { schemaFilter } from './schema-filter';
import { num, str } from './text';

/**
 * Schemas, and tables with the catalog's sizes and row estimates (InnoDB's TABLE_ROWS is an estimate from index
 * statistics: no row is read). A table is visible in information_schema only to an account with some privilege on
 * it, hence REFERENCES ON *.* in agent/setup/mysql.sql, which grants no access to rows.
 * https://mariadb.com/kb/en/information-schema-schemata-table/
 * https://mariadb.com/kb/en/information-schema-tables-table/
 * https://dev.mysql.com/doc/refman/8.0/en/information-schema-tables-table.html
 */
export function schemasSql(where: string): string {
  return `SELECT SCHEMA_NAME AS name, DEFAULT_CHARACTER_SET_NAME AS charset, DEFAULT_COLLATION_NAME AS collation
  FROM information_schema.SCHEMATA WHERE ${where} ORDER BY SCHEMA_NAME`;
}

export function tablesSql(where: string): string {
  return `SELECT t.TABLE_SCHEMA AS schema_name, t.TABLE_NAME AS name, t.TABLE_TYPE AS type, t.ENGINE AS engine,
    t.ROW_FORMAT AS row_format, t.TABLE_ROWS AS row_estimate, t.AVG_ROW_LENGTH AS avg_row_length,
    t.DATA_LENGTH AS data_length, t.INDEX_LENGTH AS index_length, t.DATA_FREE AS data_free,
    t.AUTO_INCREMENT AS auto_increment, t.CREATE_TIME AS create_time, t.UPDATE_TIME AS update_time,
    t.TABLE_COLLATION AS collation, t.CREATE_OPTIONS AS create_options,
    EXISTS (SELECT 1 FROM information_schema.STATISTICS s
      WHERE s.TABLE_SCHEMA = t.TABLE_SCHEMA AND s.TABLE_NAME = t.TABLE_NAME AND s.INDEX_NAME = 'PRIMARY') AS has_primary_key
  FROM information_schema.TABLES t
  WHERE ${where}
  ORDER BY t.TABLE_SCHEMA, t.TABLE_NAME
  LIMIT 20000`;
}

export interface SchemaRow {
  name: string;
  charset: string | null;
  collation: string | null;
}

export interface TableRow {
  schema: string;
  name: string;
  type: string | null;
  engine: string | null;
  rowFormat: string | null;
  rowEstimate: number | null;
  avgRowLength: number | null;
  dataLength: number | null;
  indexLength: number | null;
  dataFree: number | null;
  autoIncrement: number | null;
  createTime: string | null;
  updateTime: string | null;
  collation: string | null;
  createOptions: string | null;
  hasPrimaryKey: boolean;
}

export async function collectSchemas(conn: MysqlConn, target: TargetSpec): Promise<SchemaRow[]> {
  const f = schemaFilter('SCHEMA_NAME', target);
  const rows = await conn.query(schemasSql(f.sql), f.params);
  return rows.map((r) => ({ name: String(r['name']), charset: str(r['charset']), collation: str(r['collation']) }));
}

export async function collectTables(conn: MysqlConn, target: TargetSpec): Promise<TableRow[]> {
  const f = schemaFilter('t.TABLE_SCHEMA', target);
  const rows = await conn.query(tablesSql(f.sql), f.params);
  return rows.map((r) => ({
    schema: String(r['schema_name']),
    name: String(r['name']),
    type: str(r['type']),
    engine: str(r['engine']),
    rowFormat: str(r['row_format']),
    rowEstimate: num(r['row_estimate']),
    avgRowLength: num(r['avg_row_length']),
    dataLength: num(r['data_length']),
    indexLength: num(r['index_length']),
    dataFree: num(r['data_free']),
    autoIncrement: num(r['auto_increment']),
    createTime: str(r['create_time']),
    updateTime: str(r['update_time']),
    collation: str(r['collation']),
    createOptions: str(r['create_options']) || null,
    hasPrimaryKey: Number(r['has_primary_key']) === 1,
  }));
}

/** Base tables without a primary key: row-based replication and InnoDB's clustering both suffer without one. */
export function tablesWithoutPrimaryKey(tables: TableRow[]): { schema: string; name: string; engine: string | null }[] {
  return tables
    .filter((t) => t.type === 'BASE TABLE' && !t.hasPrimaryKey)
    .map((t) => ({ schema: t.schema, name: t.name, engine: t.engine }));
}
