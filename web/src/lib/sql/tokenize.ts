/**
 * A small SQL tokenizer for highlighting. It returns plain text pieces with a kind; the component renders each with
 * text interpolation, so query text from a monitored database never becomes markup.
 */
export type SqlTokenKind = 'keyword' | 'string' | 'number' | 'comment' | 'param' | 'identifier' | 'operator' | 'space' | 'text';

export interface SqlToken {
  kind: SqlTokenKind;
  text: string;
}

const KEYWORDS = new Set(
  (
    'select from where and or not in is null like ilike between group by order having limit offset join left right inner outer full cross on as ' +
    'insert into values update set delete returning with recursive union all distinct case when then else end exists create table index ' +
    'alter drop primary key foreign references default begin commit rollback explain analyze asc desc nulls first last using lateral ' +
    'over partition window filter true false interval cast coalesce count sum avg min max any some for share nowait skip locked vacuum'
  ).split(' '),
);

const PATTERNS: Array<[SqlTokenKind, RegExp]> = [
  ['space', /^\s+/],
  ['comment', /^(--[^\n]*|\/\*[\s\S]*?(\*\/|$))/],
  ['string', /^('(?:[^']|'')*'?|\$\$[\s\S]*?(\$\$|$))/],
  ['identifier', /^"(?:[^"]|"")*"?|^`[^`]*`?/],
  ['param', /^(\$\d+|\?|:[A-Za-z_]\w*)/],
  ['number', /^\d+(\.\d+)?([eE][+-]?\d+)?/],
  ['text', /^[A-Za-z_][\w$]*/],
  ['operator', /^(<>|!=|<=|>=|::|\|\||[-+*/%=<>(),.;[\]])/],
];

export function tokenizeSql(sql: string): SqlToken[] {
  const tokens: SqlToken[] = [];
  let rest = sql;
  while (rest.length > 0) {
    let matched = false;
    for (const [kind, re] of PATTERNS) {
      const m = re.exec(rest);
      if (!m || m[0].length === 0) continue;
      const text = m[0];
      tokens.push({ kind: kind === 'text' && KEYWORDS.has(text.toLowerCase()) ? 'keyword' : kind === 'text' ? 'identifier' : kind, text });
      rest = rest.slice(text.length);
      matched = true;
      break;
    }
    if (!matched) {
      // Anything else (unicode punctuation, a stray quote) is one plain character.
      tokens.push({ kind: 'text', text: rest[0] ?? '' });
      rest = rest.slice(1);
    }
  }
  return tokens;
}
