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
