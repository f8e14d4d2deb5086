import type { TargetSpec } from '../types';
import { databaseMatcher, namesSql } from '../databases-filter';
import { SYSTEM_SCHEMAS } from './connection';

/**
 * The WHERE clause for a catalog query's schema column: never the system schemas, then the target's include/exclude
 * lists (exact names or globs, as on PostgreSQL). Names travel as parameters, never spliced into SQL.
 */
/**
 * Whether a row of this schema is sent (the target's `databases`, globs included), for the rows that carry one:
 * sessions and statement digests. A row of no schema (a session without a default schema, a statement run without
 * one) belongs to none in particular and is sent, as PostgreSQL's sessions of no database are.
 */
export type SchemaScope = (schema: string | null) => boolean;

export function schemaScope(databases: TargetSpec['databases']): SchemaScope {
  const matches = databaseMatcher(databases);
  return (schema) => schema === null || matches(schema);
}

export function schemaFilter(column: string, target: TargetSpec): { sql: string; params: string[] } {
  const params: string[] = [...SYSTEM_SCHEMAS];
  let sql = `${column} NOT IN (${SYSTEM_SCHEMAS.map(() => '?').join(', ')})`;
  const { include, exclude } = target.databases;
  if (include.length) {
    const names = namesSql(column, include);
    sql += ` AND ${names.sql}`;
    params.push(...names.params);
  }
  if (exclude.length) {
    const names = namesSql(column, exclude);
    sql += ` AND NOT ${names.sql}`;
    params.push(...names.params);
  }
  return { sql, params };
}
