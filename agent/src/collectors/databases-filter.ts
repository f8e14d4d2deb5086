import type { TargetSpec } from './types';

/**
 * Whether a database is monitored: listed in `include` (all when empty) and not in `exclude`. Entries are exact names
 * or globs with `*` and `?`, so `app_*` covers one database per tenant without listing them.
 */
export function databaseMatcher(databases: TargetSpec['databases']): (name: string) => boolean {
  const include = databases.include.map(globToRegExp);
  const exclude = databases.exclude.map(globToRegExp);
  return (name) => (include.length === 0 || include.some((re) => re.test(name))) && !exclude.some((re) => re.test(name));
}

function globToRegExp(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*').replaceAll('?', '.');
  return new RegExp(`^${body}$`);
}

/**
 * A SQL condition true where `column` is one of `names` (exact names, or globs with `*` and `?` as LIKE patterns with
 * backslash, `%` and `_` taken literally), and its parameters, in order. Exact names stay an `IN` list: MariaDB answers
 * information_schema for a named schema without opening the others. The server compares in the column's collation
 * (MariaDB's catalog ignores case), databaseMatcher does not: the catalog's statements are filtered by this alone, as
 * they were by exact names; for sessions and digests it only narrows what the server sends, and databaseMatcher decides.
 */
export function namesSql(column: string, names: readonly string[]): { sql: string; params: string[] } {
  const exact = names.filter((n) => !/[*?]/.test(n));
  const globs = names.filter((n) => /[*?]/.test(n));
  const parts = [...(exact.length > 0 ? [`${column} IN (${exact.map(() => '?').join(', ')})`] : []), ...globs.map(() => `${column} LIKE ?`)];
  return { sql: `(${parts.join(' OR ')})`, params: [...exact, ...globs.map(globToLike)] };
}

/** A glob as a LIKE pattern (backslash, MariaDB's and MySQL's default escape). */
export function globToLike(glob: string): string {
  return glob.replace(/[\\%_]/g, '\\$&').replaceAll('*', '%').replaceAll('?', '_');
}
