import type { TargetSpec } from '../types';
import { SYSTEM_SCHEMAS } from './connection';

/**
 * The WHERE clause for a catalog query's schema column: never the system schemas, then the target's include/exclude
 * lists. Names travel as parameters, never spliced into SQL.
 */
export function schemaFilter(column: string, target: TargetSpec): { sql: string; params: string[] } {
  const params: string[] = [...SYSTEM_SCHEMAS];
  let sql = `${column} NOT IN (${SYSTEM_SCHEMAS.map(() => '?').join(', ')})`;
  const { include, exclude } = target.databases;
  if (include.length) {
    sql += ` AND ${column} IN (${include.map(() => '?').join(', ')})`;
    params.push(...include);
  }
  if (exclude.length) {
    sql += ` AND ${column} NOT IN (${exclude.map(() => '?').join(', ')})`;
    params.push(...exclude);
  }
  return { sql, params };
}
