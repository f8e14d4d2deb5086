/**
 * A small SQL lexer for PostgreSQL and MySQL/MariaDB. It does not parse statements: it only splits text into tokens
 * precisely enough to know where every literal, comment and quoted identifier starts and ends, which is what
 * obfuscation needs. Getting a quote boundary wrong would leak the rest of a literal, so every quoting rule of both
 * dialects is followed here (see the lexical-structure chapters of each manual):
 *   https://www.postgresql.org/docs/current/sql-syntax-lexical.html
 *   https://dev.mysql.com/doc/refman/8.0/en/string-literals.html, .../comments.html, .../identifiers.html
 *
 * Text cut short by the server (pg_stat_activity truncates at track_activity_query_size) often ends inside a literal
 * or comment: an unterminated literal still becomes a `string` token, so it is obfuscated rather than leaked.
 */

export type SqlDialect = 'postgresql' | 'mysql';

export type SqlTokenType =
  | 'whitespace'
  | 'comment'
  /** Any string-like literal: '…', E'…', X'…', B'…', U&'…', $tag$…$tag$, MySQL "…". */
  | 'string'
  /** Numeric literals including hex (0x1F) and binary (0b101) forms. */
  | 'number'
  /** Bare words: keywords and unquoted identifiers. */
  | 'word'
  /** "…" in PostgreSQL, `…` in MySQL: names, kept as they are. */
  | 'quotedIdentifier'
  /** Bind parameters: $1, ?, :name. */
  | 'parameter'
  | 'punctuation';

export interface SqlToken {
  type: SqlTokenType;
  text: string;
}

export function tokenizeSql(text: string, dialect: SqlDialect): SqlToken[] {
  const tokens: SqlToken[] = [];
  let i = 0;
  const n = text.length;

  const push = (type: SqlTokenType, end: number): void => {
    tokens.push({ type, text: text.slice(i, end) });
    i = end;
  };

  while (i < n) {
    const c = text[i]!;
    const next = text[i + 1];

    if (isWhitespace(c)) {
      let j = i + 1;
      while (j < n && isWhitespace(text[j]!)) j++;
      push('whitespace', j);
      continue;
    }

    // -- line comment. MySQL only treats `--` as a comment when followed by whitespace or end of text;
    // `1--1` is arithmetic there.
    if (c === '-' && next === '-' && (dialect === 'postgresql' || i + 2 >= n || isWhitespace(text[i + 2]!))) {
      push('comment', endOfLine(text, i));
      continue;
    }
    if (c === '#' && dialect === 'mysql') {
      push('comment', endOfLine(text, i));
      continue;
    }
    if (c === '/' && next === '*') {
      push('comment', endOfBlockComment(text, i, dialect === 'postgresql'));
      continue;
    }

    // Prefixed string literals: E'…' (backslash escapes), X'…'/B'…' (hex/bit), N'…' (national), U&'…' (unicode).
    if ((c === 'e' || c === 'E') && next === "'" && dialect === 'postgresql') {
      push('string', endOfQuoted(text, i + 1, "'", true));
      continue;
    }
    if ((c === 'x' || c === 'X' || c === 'b' || c === 'B' || c === 'n' || c === 'N') && next === "'") {
      push('string', endOfQuoted(text, i + 1, "'", dialect === 'mysql'));
      continue;
    }
    if ((c === 'u' || c === 'U') && next === '&' && text[i + 2] === "'" && dialect === 'postgresql') {
      push('string', endOfQuoted(text, i + 2, "'", false));
      continue;
    }

    if (c === "'") {
      // PostgreSQL with standard_conforming_strings (the default since 9.1) has no backslash escapes in '…';
      // MySQL has them unless NO_BACKSLASH_ESCAPES is set.
      push('string', endOfQuoted(text, i, "'", dialect === 'mysql'));
      continue;
    }
    if (c === '"') {
      // PostgreSQL: a quoted identifier. MySQL (without ANSI_QUOTES, the default): a string literal.
      if (dialect === 'postgresql') push('quotedIdentifier', endOfQuoted(text, i, '"', false));
      else push('string', endOfQuoted(text, i, '"', true));
      continue;
    }
    if (c === '`' && dialect === 'mysql') {
      push('quotedIdentifier', endOfQuoted(text, i, '`', false));
      continue;
    }

    if (c === '$' && dialect === 'postgresql') {
      if (next !== undefined && isDigit(next)) {
        let j = i + 1;
        while (j < n && isDigit(text[j]!)) j++;
        push('parameter', j);
        continue;
      }
      const tagEnd = dollarTagEnd(text, i);
      if (tagEnd !== -1) {
        const tag = text.slice(i, tagEnd + 1);
        const close = text.indexOf(tag, tagEnd + 1);
        push('string', close === -1 ? n : close + tag.length);
        continue;
      }
    }

    // PostgreSQL servers only ever see $n parameters; there `?`, `?|`, `?&` are jsonb operators.
    if (c === '?' && dialect === 'mysql') {
      push('parameter', i + 1);
      continue;
    }
    if (c === ':' && next !== undefined && isIdentifierStart(next) && text[i - 1] !== ':') {
      // :name bind variables (psql, some drivers); `::type` casts are excluded by the look-behind.
      let j = i + 1;
      while (j < n && isIdentifierPart(text[j]!)) j++;
      push('parameter', j);
      continue;
    }

    if (isDigit(c) || (c === '.' && next !== undefined && isDigit(next))) {
      const end = endOfNumber(text, i);
      // MySQL identifiers may begin with digits (`1abc`); PostgreSQL reads `1abc` as a number then a word.
      if (dialect === 'mysql' && end < n && isIdentifierStart(text[end]!) && !text.slice(i, end).includes('.')) {
        let j = end;
        while (j < n && isIdentifierPart(text[j]!)) j++;
        push('word', j);
      } else {
        push('number', end);
      }
      continue;
    }

    if (isIdentifierStart(c)) {
      let j = i + 1;
      while (j < n && isIdentifierPart(text[j]!)) j++;
      push('word', j);
      continue;
    }

    // Anything else is a single character of punctuation or operator; obfuscation never needs operators grouped.
    // Surrogate pairs stay together so slicing never splits a character.
    push('punctuation', i + (isHighSurrogate(c) && i + 1 < n ? 2 : 1));
  }
  return tokens;
}

function endOfLine(text: string, from: number): number {
  const nl = text.indexOf('\n', from);
  return nl === -1 ? text.length : nl;
}

/** PostgreSQL block comments nest (`/* a /* b *\/ c *\/`); MySQL's end at the first `*\/`. */
function endOfBlockComment(text: string, from: number, nests: boolean): number {
  let depth = 0;
  let j = from;
  while (j < text.length) {
    if (text[j] === '/' && text[j + 1] === '*') {
      depth = nests ? depth + 1 : 1;
      j += 2;
    } else if (text[j] === '*' && text[j + 1] === '/') {
      depth--;
      j += 2;
      if (depth === 0) return j;
    } else {
      j++;
    }
  }
  return text.length;
}

/**
 * End (exclusive) of a literal opened by `quote` at `from`. A doubled quote is an escaped quote in both dialects;
 * with `backslashEscapes`, `\x` escapes any character too. Unterminated → end of text.
 */
function endOfQuoted(text: string, from: number, quote: string, backslashEscapes: boolean): number {
  let j = from + 1;
  while (j < text.length) {
    const ch = text[j];
    if (backslashEscapes && ch === '\\') {
      j += 2;
      continue;
    }
    if (ch === quote) {
      if (text[j + 1] === quote) {
        j += 2;
        continue;
      }
      return j + 1;
    }
    j++;
  }
  return text.length;
}

/** Index of the closing `$` of a dollar-quote tag starting at `from` (`$$` or `$tag$`), or -1 if there is none. */
function dollarTagEnd(text: string, from: number): number {
  let j = from + 1;
  if (text[j] === '$') return j;
  if (j >= text.length || !isIdentifierStart(text[j]!)) return -1;
  j++;
  // A tag follows identifier rules but may not contain `$` itself.
  while (j < text.length && isIdentifierPart(text[j]!) && text[j] !== '$') j++;
  return text[j] === '$' ? j : -1;
}

function endOfNumber(text: string, from: number): number {
  let j = from;
  const n = text.length;
  if (text[j] === '0' && (text[j + 1] === 'x' || text[j + 1] === 'X') && isHexDigit(text[j + 2])) {
    j += 2;
    while (j < n && (isHexDigit(text[j]) || text[j] === '_')) j++;
    return j;
  }
  if (text[j] === '0' && (text[j + 1] === 'b' || text[j + 1] === 'B') && (text[j + 2] === '0' || text[j + 2] === '1')) {
    j += 2;
    while (j < n && (text[j] === '0' || text[j] === '1' || text[j] === '_')) j++;
    return j;
  }
  // PostgreSQL 16 allows `1_000_000`.
  while (j < n && (isDigit(text[j]!) || (text[j] === '_' && isDigit(text[j + 1] ?? '')))) j++;
  if (text[j] === '.' && text[j + 1] !== '.') {
    j++;
    while (j < n && isDigit(text[j]!)) j++;
  }
  if ((text[j] === 'e' || text[j] === 'E') && (isDigit(text[j + 1] ?? '') || ((text[j + 1] === '+' || text[j + 1] === '-') && isDigit(text[j + 2] ?? '')))) {
    j += 2;
    while (j < n && isDigit(text[j]!)) j++;
  }
  return j;
}

function isWhitespace(c: string): boolean {
  return c === ' ' || c === '\n' || c === '\t' || c === '\r' || c === '\f' || c === '\v' || c === '\u00a0';
}

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

function isHexDigit(c: string | undefined): boolean {
  return c !== undefined && ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'));
}

const NON_ASCII_LETTER = /\p{L}/u;

function isIdentifierStart(c: string): boolean {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_') return true;
  return c.charCodeAt(0) > 127 && (NON_ASCII_LETTER.test(c) || isHighSurrogate(c));
}

function isIdentifierPart(c: string): boolean {
  return isIdentifierStart(c) || isDigit(c) || c === '$' || isLowSurrogate(c);
}

function isHighSurrogate(c: string): boolean {
  const code = c.charCodeAt(0);
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(c: string): boolean {
  const code = c.charCodeAt(0);
  return code >= 0xdc00 && code <= 0xdfff;
}
