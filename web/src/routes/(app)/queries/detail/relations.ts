// Relative, not $lib: the pure tests (web/test) import this module without SvelteKit's aliases.
import { tokenizeSql, type SqlToken } from '../../../../lib/sql/tokenize';

/** Keywords after which a statement names the relations it reads or writes. */
const BEFORE_RELATION = new Set(['from', 'join', 'update', 'into', 'table']);
/** Words after FROM/JOIN that are not a relation's name. */
const NOT_A_NAME = new Set(['lateral', 'only', 'select', 'set', 'values', 'unnest', 'generate_series']);

const unquote = (t: SqlToken) => (t.text.startsWith('"') || t.text.startsWith('`') ? t.text.slice(1, -1).replace(/""/g, '"') : t.text.toLowerCase());

/**
 * The relations a statement names, as written (`orders`, `shop.orders`, `"Mixed Case"`): after FROM, JOIN, UPDATE,
 * INTO and TABLE, comma lists included; functions (`unnest(…)`), subqueries and CTE names are left out. Unquoted names
 * fold to lower case as PostgreSQL does. The Query Explorer looks them up in the schema snapshot to link them.
 */
export function relationNames(sql: string): string[] {
  const tokens = tokenizeSql(sql).filter((t) => t.kind !== 'space' && t.kind !== 'comment');
  const ctes = new Set<string>();
  for (let i = 0; i + 2 < tokens.length; i++) {
    const [a, b, c] = [tokens[i]!, tokens[i + 1]!, tokens[i + 2]!];
    if (a.kind === 'identifier' && b.text.toLowerCase() === 'as' && c.text === '(') ctes.add(unquote(a));
  }
  const names = new Set<string>();
  const isName = (t: SqlToken | undefined) => t !== undefined && t.kind === 'identifier' && !NOT_A_NAME.has(t.text.toLowerCase());
  for (let i = 0; i < tokens.length; i++) {
    const keyword = tokens[i]!.text.toLowerCase();
    if (!BEFORE_RELATION.has(keyword) || tokens[i]!.kind !== 'keyword') continue;
    let j = i + 1;
    for (;;) {
      if (!isName(tokens[j])) break;
      const parts = [unquote(tokens[j]!)];
      j++;
      while (tokens[j]?.text === '.' && isName(tokens[j + 1])) {
        parts.push(unquote(tokens[j + 1]!));
        j += 2;
      }
      // INSERT INTO t (a, b): a column list, not a call.
      const isFunction = tokens[j]?.text === '(' && keyword !== 'into' && keyword !== 'table';
      const name = parts.join('.');
      if (!isFunction && !ctes.has(name)) names.add(name);
      // An alias (`orders o`, `orders AS o`), then a comma for the next relation of a FROM list.
      if (tokens[j]?.text.toLowerCase() === 'as') j++;
      if (isName(tokens[j]) && tokens[j + 1]?.text !== '.') j++;
      if (tokens[j]?.text !== ',' || isFunction) break;
      j++;
    }
  }
  return [...names];
}

/**
 * Which of the schema snapshot's tables a statement's names mean: PostgreSQL's in the statement's database
 * (`db.schema.table`, an unqualified name in any of its schemas); MySQL/MariaDB's `schema.table`, an unqualified name
 * in the statement's default schema.
 */
export function touchedTables<T extends { name: string }>(tables: readonly T[], names: readonly string[], engine: string, database: string | null): T[] {
  const db = database?.toLowerCase() ?? null;
  const matches = (table: string, n: string): boolean => {
    const t = table.toLowerCase();
    if (engine === 'postgresql') return (db === null || t.startsWith(`${db}.`)) && t.endsWith(`.${n}`);
    if (n.includes('.')) return t === n;
    return db !== null ? t === `${db}.${n}` : t.endsWith(`.${n}`);
  };
  return tables.filter((t) => names.some((n) => matches(t.name, n.toLowerCase())));
}
