import { redundancy, type IndexShape } from '../redundant-indexes';
import type { TargetSpec } from '../types';
import type { MysqlConn } from './connection';
import { schemaFilter } from './schema-filter';
import { num, str } from './text';

/**
 * Index definitions (one row per index column in STATISTICS, folded into one entry per index) joined in code with
 * their I/O since server start from performance_schema. An index with no reads or writes since start-up is flagged
 * unused; the primary key never is (it is the table's clustering).
 * https://mariadb.com/kb/en/information-schema-statistics-table/
 * https://mariadb.com/kb/en/performance-schema-table_io_waits_summary_by_index_usage-table/
 * https://dev.mysql.com/doc/refman/8.0/en/performance-schema-table-io-waits-summary-by-index-usage-table.html
 */
export function indexColumnsSql(where: string): string {
  return `SELECT TABLE_SCHEMA AS schema_name, TABLE_NAME AS table_name, INDEX_NAME AS index_name,
    NON_UNIQUE AS non_unique, SEQ_IN_INDEX AS seq, COLUMN_NAME AS column_name, SUB_PART AS sub_part,
    COLLATION AS collation, CARDINALITY AS cardinality, NULLABLE AS nullable, INDEX_TYPE AS index_type
  FROM information_schema.STATISTICS
  WHERE ${where}
  ORDER BY TABLE_SCHEMA, TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX
  LIMIT 100000`;
}

export function indexUsageSql(where: string): string {
  return `SELECT OBJECT_SCHEMA AS schema_name, OBJECT_NAME AS table_name, INDEX_NAME AS index_name,
    COUNT_STAR AS access_count, COUNT_READ AS read_count, COUNT_WRITE AS write_count
  FROM performance_schema.table_io_waits_summary_by_index_usage
  WHERE INDEX_NAME IS NOT NULL AND OBJECT_TYPE = 'TABLE' AND ${where}`;
}

export interface IndexRow {
  schema: string;
  table: string;
  name: string;
  unique: boolean;
  primary: boolean;
  type: string | null;
  columns: { name: string | null; subPart: number | null; descending: boolean }[];
  cardinality: number | null;
  /** From performance_schema since server start; null when performance_schema has no row for it. */
  accesses: number | null;
  reads: number | null;
  writes: number | null;
  unused: boolean;
  /** The other indexes on the same table that make this one redundant (redundant-indexes.ts). */
  duplicateOf: string[];
}

type IndexKey = Pick<IndexRow, 'schema' | 'table' | 'name' | 'unique' | 'primary' | 'type' | 'columns'>;

/** The shared duplicate rule (redundant-indexes.ts) over MySQL's index columns: name, prefix length, direction. */
function shapeOf(r: IndexKey): IndexShape {
  return {
    group: JSON.stringify([r.schema, r.table]),
    name: r.name,
    parts: r.columns.map((c) => JSON.stringify([c.name, c.subPart, c.descending])),
    extra: r.type ?? '',
    included: [],
    unique: r.unique,
    primary: r.primary,
    prefixServes: r.type === 'BTREE',
    // Expression parts (MySQL 8 functional indexes) have no column name: never compared.
    comparable: r.columns.every((c) => c.name !== null),
  };
}

export function flagDuplicates<R extends IndexKey>(rows: readonly R[]): Array<R & { duplicateOf: string[] }> {
  const duplicateOf = redundancy(rows.map(shapeOf));
  return rows.map((r, i) => ({ ...r, duplicateOf: duplicateOf[i] ?? [] }));
}

export async function collectIndexes(conn: MysqlConn, target: TargetSpec): Promise<IndexRow[]> {
  const f = schemaFilter('TABLE_SCHEMA', target);
  const defs = await conn.query(indexColumnsSql(f.sql), f.params);
  const u = schemaFilter('OBJECT_SCHEMA', target);
  const usage = new Map<string, Record<string, unknown>>();
  for (const r of await conn.query(indexUsageSql(u.sql), u.params)) {
    usage.set(`${r['schema_name']}\u0000${r['table_name']}\u0000${r['index_name']}`, r);
  }
  const byIndex = new Map<string, Omit<IndexRow, 'duplicateOf'>>();
  for (const r of defs) {
    const key = `${r['schema_name']}\u0000${r['table_name']}\u0000${r['index_name']}`;
    let idx = byIndex.get(key);
    if (!idx) {
      const name = String(r['index_name']);
      const use = usage.get(key);
      const accesses = use ? num(use['access_count']) : null;
      idx = {
        schema: String(r['schema_name']),
        table: String(r['table_name']),
        name,
        unique: Number(r['non_unique']) === 0,
        primary: name === 'PRIMARY',
        type: str(r['index_type']),
        columns: [],
        cardinality: num(r['cardinality']),
        accesses,
        reads: use ? num(use['read_count']) : null,
        writes: use ? num(use['write_count']) : null,
        unused: name !== 'PRIMARY' && (accesses ?? 0) === 0,
      };
      byIndex.set(key, idx);
    }
    // The index's cardinality is that of its full prefix: the last column's.
    idx.cardinality = num(r['cardinality']) ?? idx.cardinality;
    idx.columns.push({ name: str(r['column_name']), subPart: num(r['sub_part']), descending: r['collation'] === 'D' });
  }
  return flagDuplicates([...byIndex.values()]);
}
