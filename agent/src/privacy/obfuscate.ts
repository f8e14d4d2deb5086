import type { QueryTextMode } from '../collectors/types';
import { tokenizeSql, type SqlDialect, type SqlToken } from './sql-lexer';

/**
 * Query text as the agent may send it. Text seen in pg_stat_activity, the processlist or slow logs carries the
 * application's literal values (e-mail addresses, tokens, amounts): by default every literal becomes `?` and comments
 * (which ORMs fill with request ids and user names) are dropped, keeping only the statement's shape.
 *
 * - `off`: no text at all (null).
 * - `full`: the text as the server reported it, truncated.
 * - `obfuscated`: literals → `?`, comments removed, whitespace collapsed, `IN (…)` lists collapsed to `IN (?)`, truncated.
 */
export function obfuscateQueryText(
  text: string | null | undefined,
  mode: QueryTextMode,
  maxLength: number,
  dialect: SqlDialect,
): string | null {
  if (text === null || text === undefined || mode === 'off') return null;
  if (mode === 'full') return truncateText(text, maxLength);
  return truncateText(obfuscatedOnce(text, dialect), maxLength);
}

/**
 * The texts obfuscated lately, by dialect: a server reports the same statements collection after collection (MySQL's
 * digest table, 300 and more texts every minute on each target of the benchmark's shared server; the processlist and
 * pg_stat_activity of idle sessions), and lexing them again each time was a tenth of what the agent allocated.
 * Two generations of at most MEMO_SIZE texts each: a text used in the current or the previous generation is found;
 * when the current one is full it becomes the previous, so the memo holds at most twice MEMO_SIZE of them.
 */
const MEMO_SIZE = 2000;
/** Texts longer than this are obfuscated every time rather than held (a bulk INSERT's text can be megabytes). */
const MEMO_MAX_TEXT = 8192;
const memos: Record<SqlDialect, { current: Map<string, string>; previous: Map<string, string> }> = {
  postgresql: { current: new Map(), previous: new Map() },
  mysql: { current: new Map(), previous: new Map() },
};

function obfuscatedOnce(text: string, dialect: SqlDialect): string {
  if (text.length > MEMO_MAX_TEXT) return obfuscateSql(text, dialect);
  const memo = memos[dialect];
  let out = memo.current.get(text);
  if (out !== undefined) return out;
  out = memo.previous.get(text) ?? obfuscateSql(text, dialect);
  if (memo.current.size >= MEMO_SIZE) {
    memo.previous = memo.current;
    memo.current = new Map();
  }
  memo.current.set(text, out);
  return out;
}

/** What obfuscation emits: significant tokens only, each remembering whether whitespace or a comment preceded it. */
interface OutToken {
  kind: 'literal' | SqlToken['type'];
  text: string;
  spaceBefore: boolean;
}

export function obfuscateSql(text: string, dialect: SqlDialect): string {
  const out: OutToken[] = [];
  let pendingSpace = false;
  for (const token of tokenizeSql(text, dialect)) {
    if (token.type === 'whitespace' || token.type === 'comment') {
      pendingSpace = true;
      continue;
    }
    if (token.type === 'string' || token.type === 'number') {
      // The literal that replaces a signed number takes the sign's place, including the space before it.
      const droppedSign = token.type === 'number' ? dropUnarySign(out) : undefined;
      if (droppedSign) pendingSpace = droppedSign.spaceBefore;
      const last = out[out.length - 1];
      // Adjacent literals are one value: PostgreSQL concatenates 'a' 'b', MySQL 'a' "b"; and a negative number after
      // a dropped sign must not become `? ?`.
      if (last?.kind === 'literal') continue;
      out.push({ kind: 'literal', text: '?', spaceBefore: pendingSpace });
    } else {
      out.push({ kind: token.type, text: token.text, spaceBefore: pendingSpace });
    }
    pendingSpace = false;
  }
  collapseValueLists(out);
  return out.map((t, index) => (index > 0 && t.spaceBefore ? ' ' : '') + t.text).join('');
}

/**
 * Keywords after which `-`/`+` is a sign, not an operator: `WHERE x = -1`, `SELECT -1`, `LIMIT -1`. After a name or a
 * value (`a - 1`, `f(x) - 1`) it is subtraction and stays, so the shape still reads as arithmetic.
 */
const SIGN_CONTEXT_KEYWORDS = new Set([
  'select', 'where', 'and', 'or', 'not', 'when', 'then', 'else', 'case', 'return', 'between', 'in', 'is', 'like',
  'ilike', 'values', 'set', 'by', 'limit', 'offset', 'on', 'as', 'interval', 'default', 'having', 'from', 'to', 'with',
  'any', 'all', 'some', 'exists', 'union', 'using', 'into', 'distinct', 'escape', 'over', 'rows', 'fetch', 'first',
]);

/** Removes and returns a `-`/`+` that is the sign of the number about to be emitted, not an operator. */
function dropUnarySign(out: OutToken[]): OutToken | undefined {
  const sign = out[out.length - 1];
  if (!sign || sign.kind !== 'punctuation' || (sign.text !== '-' && sign.text !== '+')) return undefined;
  const before = out[out.length - 2];
  if (before && endsValue(before)) return undefined;
  return out.pop();
}

function endsValue(t: OutToken): boolean {
  switch (t.kind) {
    case 'literal':
    case 'parameter':
    case 'quotedIdentifier':
      return true;
    case 'word':
      return !SIGN_CONTEXT_KEYWORDS.has(t.text.toLowerCase());
    case 'punctuation':
      return t.text === ')' || t.text === ']';
    default:
      return false;
  }
}

/**
 * `IN (?, ?, ?)` → `IN (?)` and `ARRAY[?, ?]` → `ARRAY[?]`: the same statement with a different list length must read
 * (and group) as one query shape. Only lists made purely of values and parameters collapse; a sub-select stays.
 */
function collapseValueLists(out: OutToken[]): void {
  for (let i = 0; i < out.length - 1; i++) {
    const word = out[i]!;
    const open = out[i + 1]!;
    const isIn = word.kind === 'word' && word.text.toLowerCase() === 'in' && open.text === '(';
    const isArray = word.kind === 'word' && word.text.toLowerCase() === 'array' && open.text === '[';
    if (!isIn && !isArray) continue;
    const close = isIn ? ')' : ']';
    let j = i + 2;
    let expectValue = true;
    let values = 0;
    for (; j < out.length; j++) {
      const t = out[j]!;
      if (expectValue && (t.kind === 'literal' || t.kind === 'parameter')) {
        values++;
        expectValue = false;
      } else if (!expectValue && t.kind === 'punctuation' && t.text === ',') {
        expectValue = true;
      } else {
        break;
      }
    }
    const end = out[j];
    if (values === 0 || expectValue || !end || end.kind !== 'punctuation' || end.text !== close) continue;
    const first = out[i + 2]!;
    out.splice(i + 2, j - (i + 2), { kind: 'literal', text: '?', spaceBefore: first.spaceBefore });
  }
}

/**
 * At most `maxLength` characters; a cut is marked with a trailing `…` (counted in the length) so nobody mistakes a
 * truncated statement for the whole one. Never splits a surrogate pair.
 */
export function truncateText(text: string, maxLength: number): string {
  if (text.length <= maxLength) return text;
  if (maxLength <= 0) return '';
  let cut = maxLength - 1;
  const code = text.charCodeAt(cut - 1);
  if (cut > 0 && code >= 0xd800 && code <= 0xdbff) cut--;
  return text.slice(0, cut) + '…';
}
