import { describe, expect, it } from 'vitest';
import { obfuscateQueryText } from './obfuscate';

const pg = (sql: string, max = 4096) => obfuscateQueryText(sql, 'obfuscated', max, 'postgresql');
const my = (sql: string, max = 4096) => obfuscateQueryText(sql, 'obfuscated', max, 'mysql');

describe('obfuscateQueryText modes', () => {
  it('returns null when query text is off, whatever the text', () => {
    expect(obfuscateQueryText("SELECT 'secret'", 'off', 100, 'postgresql')).toBeNull();
  });

  it('returns null for missing text in every mode', () => {
    expect(obfuscateQueryText(null, 'full', 100, 'postgresql')).toBeNull();
    expect(obfuscateQueryText(undefined, 'obfuscated', 100, 'mysql')).toBeNull();
  });

  it('keeps full text verbatim but truncated, marking the cut with an ellipsis', () => {
    expect(obfuscateQueryText("SELECT 'a'", 'full', 100, 'postgresql')).toBe("SELECT 'a'");
    const cut = obfuscateQueryText('SELECT 1234567890', 'full', 10, 'postgresql');
    expect(cut).toBe('SELECT 12…');
    expect(cut).toHaveLength(10);
  });

  it('truncates obfuscated text after replacing literals, so a cut never exposes a literal', () => {
    const out = pg("SELECT * FROM users WHERE email = 'alice@example.com' AND id = 42", 40);
    expect(out).toHaveLength(40);
    expect(out!.endsWith('…')).toBe(true);
    expect(out).not.toContain('alice');
  });

  it('answers a text seen before from its memo the same, per dialect and within each call\'s length', () => {
    const text = `SELECT "a", 'secret' FROM t WHERE id IN (1, 2, 3) /* ${'x'.repeat(20)} */`;
    for (let round = 0; round < 2; round++) {
      expect(obfuscateQueryText(text, 'obfuscated', 1000, 'postgresql')).toBe('SELECT "a", ? FROM t WHERE id IN (?)');
      // In MySQL a double-quoted text is a string literal.
      expect(obfuscateQueryText(text, 'obfuscated', 1000, 'mysql')).toBe('SELECT ?, ? FROM t WHERE id IN (?)');
      expect(obfuscateQueryText(text, 'obfuscated', 12, 'postgresql')).toBe('SELECT "a",…');
      expect(obfuscateQueryText(text, 'full', 1000, 'postgresql')).toBe(text);
    }
    // Past the memo's two generations of 2,000 texts each, an early text is obfuscated again, the same.
    for (let i = 0; i < 4100; i++) obfuscateQueryText(`SELECT ${i}, 'v${i}' FROM t${i}`, 'obfuscated', 1000, 'postgresql');
    expect(obfuscateQueryText(text, 'obfuscated', 1000, 'postgresql')).toBe('SELECT "a", ? FROM t WHERE id IN (?)');
    expect(obfuscateQueryText('SELECT 7, \'v7\' FROM t7', 'obfuscated', 1000, 'postgresql')).toBe('SELECT ?, ? FROM t7');
  });

  it('never splits a surrogate pair when truncating', () => {
    const out = obfuscateQueryText('SELECT 😀😀😀', 'full', 9, 'postgresql');
    expect(out).toBe('SELECT …');
  });
});

describe('obfuscation of PostgreSQL text', () => {
  it('replaces string and numeric literals with ?', () => {
    expect(pg("SELECT * FROM t WHERE a = 'x' AND b = 3.5e10 AND c = .5")).toBe('SELECT * FROM t WHERE a = ? AND b = ? AND c = ?');
  });

  it('handles doubled quotes inside strings without leaking the tail', () => {
    expect(pg("SELECT 'it''s a secret' AS x, 'b'")).toBe('SELECT ? AS x, ?');
  });

  it('honours backslash escapes in E-strings only', () => {
    expect(pg("SELECT E'it\\'s secret', 'tail'")).toBe('SELECT ?, ?');
    // standard_conforming_strings: a backslash before the closing quote does not escape it.
    expect(pg("SELECT 'C:\\dir\\', secret_col FROM t")).toBe('SELECT ?, secret_col FROM t');
  });

  it('replaces dollar-quoted bodies, including a differently tagged quote nested inside', () => {
    expect(pg('SELECT $$hidden$$, $fn$ body $inner$ secret $inner$ more $fn$ AS x')).toBe('SELECT ?, ? AS x');
  });

  it('keeps positional parameters and does not mistake them for dollar quotes', () => {
    expect(pg('SELECT * FROM t WHERE a = $1 AND b = $2')).toBe('SELECT * FROM t WHERE a = $1 AND b = $2');
  });

  it('removes line and nested block comments, even when they contain quotes', () => {
    expect(pg("SELECT 1 -- don't leak 'this'\nFROM t /* outer /* it's */ still comment */ WHERE a = 'v'")).toBe(
      'SELECT ? FROM t WHERE a = ?',
    );
  });

  it('keeps double-quoted identifiers as names', () => {
    expect(pg('SELECT "Secret Column" FROM "My Table" WHERE "x" = 1')).toBe('SELECT "Secret Column" FROM "My Table" WHERE "x" = ?');
  });

  it('replaces hex, bit and unicode string literals', () => {
    expect(pg("SELECT X'1F', B'1010', U&'d\\0061t', N'n', 0x1F, 1_000")).toBe('SELECT ?, ?, ?, ?, ?, ?');
  });

  it('drops the sign of a negative number but keeps subtraction', () => {
    expect(pg('SELECT a - 1, b-2, -3, f(x) - 4 FROM t WHERE c = -5 AND d > +6')).toBe(
      'SELECT a - ?, b-?, ?, f(x) - ? FROM t WHERE c = ? AND d > ?',
    );
  });

  it('collapses IN lists and ARRAY literals of any length to one placeholder', () => {
    expect(pg('SELECT * FROM t WHERE id IN (1, 2, 3) AND k IN ($1,$2) AND v = ANY(ARRAY[1,-2,3])')).toBe(
      'SELECT * FROM t WHERE id IN (?) AND k IN (?) AND v = ANY(ARRAY[?])',
    );
  });

  it('does not collapse an IN sub-select', () => {
    expect(pg('SELECT * FROM t WHERE id IN (SELECT id FROM u WHERE n = 1)')).toBe('SELECT * FROM t WHERE id IN (SELECT id FROM u WHERE n = ?)');
  });

  it('keeps booleans, NULL and casts as keywords', () => {
    expect(pg("SELECT TRUE, false, NULL, '2024-01-01'::date, interval '1 day'")).toBe('SELECT TRUE, false, NULL, ?::date, interval ?');
  });

  it('keeps the jsonb ? operator and digits inside identifiers', () => {
    expect(pg("SELECT t1.col2 FROM t1 WHERE doc ? 'key'")).toBe('SELECT t1.col2 FROM t1 WHERE doc ? ?');
  });

  it('obfuscates an unterminated literal from text the server truncated', () => {
    expect(pg("SELECT * FROM t WHERE secret = 'abcdef")).toBe('SELECT * FROM t WHERE secret = ?');
    expect(pg('SELECT $body$ unterminated secret')).toBe('SELECT ?');
  });

  it('collapses whitespace, including newlines and tabs', () => {
    expect(pg('SELECT\n\t a,\n   b\nFROM   t')).toBe('SELECT a, b FROM t');
  });
});

describe('obfuscation of MySQL text', () => {
  it('keeps backtick identifiers', () => {
    expect(my('SELECT `secret col` FROM `db`.`t` WHERE `id` = 7')).toBe('SELECT `secret col` FROM `db`.`t` WHERE `id` = ?');
  });

  it('treats double-quoted text as a string literal and obfuscates it', () => {
    expect(my('SELECT * FROM t WHERE name = "Alice" AND x = \'y\'')).toBe('SELECT * FROM t WHERE name = ? AND x = ?');
  });

  it('honours backslash escapes in both quote styles', () => {
    expect(my("SELECT 'it\\'s', \"say \\\"hi\\\"\", tail FROM t")).toBe('SELECT ?, ?, tail FROM t');
  });

  it('removes # and -- comments but reads 1--1 as arithmetic', () => {
    expect(my("SELECT 1 # it's a comment\n, 2 -- another 'one'\n FROM t")).toBe('SELECT ? , ? FROM t');
    expect(my('SELECT 5--1')).toBe('SELECT ?-?');
  });

  it('replaces hex and bit literals and charset-introduced strings', () => {
    expect(my("SELECT 0xDEADBEEF, X'ab', b'101', 0b11, _utf8mb4'secret'")).toBe('SELECT ?, ?, ?, ?, _utf8mb4?');
  });

  it('keeps ? parameters and collapses IN lists', () => {
    expect(my('SELECT * FROM t WHERE a = ? AND b IN (1, 2, 3, 4)')).toBe('SELECT * FROM t WHERE a = ? AND b IN (?)');
  });

  it('reads identifiers that begin with digits as names', () => {
    expect(my('SELECT * FROM 1table WHERE id = 1')).toBe('SELECT * FROM 1table WHERE id = ?');
  });

  it('ends a MySQL block comment at the first close, without nesting', () => {
    expect(my("SELECT /* a /* b */ 'x' */ 1")).toBe('SELECT ? */ ?');
  });
});

describe('no literal survives obfuscation', () => {
  const canary = 'Canary9137';
  // Every literal form of both dialects, with quotes, escapes and comment markers around the canary.
  const pgLiterals = [
    `'${canary}'`, `'it''s ${canary}'`, `E'\\'${canary}\\''`, `$$${canary}$$`, `$q$ ${canary} $$ $q$`, `U&'${canary}'`,
    `'${canary} -- not a comment'`, `'/* ${canary} */'`, `N'${canary}'`,
  ];
  const myLiterals = [
    `'${canary}'`, `"${canary}"`, `'it\\'s ${canary}'`, `"say \\"${canary}\\""`, `'a''${canary}'`, `_utf8mb4'${canary}'`,
    `'# ${canary}'`, `"-- ${canary}"`,
  ];
  const templates = [
    (l: string) => `SELECT ${l}`,
    (l: string) => `SELECT * FROM t WHERE a = ${l} AND b IN (1, ${l})`,
    (l: string) => `INSERT INTO t (a, b) VALUES (${l}, -42)`,
    (l: string) => `UPDATE t SET a = ${l} /* by ${canary} */ WHERE id = 7 -- ${canary}\n`,
  ];

  it('leaves no trace of a canary in any PostgreSQL literal or comment', () => {
    for (const literal of pgLiterals) for (const t of templates) expect(pg(t(literal)), t(literal)).not.toContain(canary);
  });

  it('leaves no trace of a canary in any MySQL literal or comment', () => {
    for (const literal of myLiterals) for (const t of templates) expect(my(t(literal)), t(literal)).not.toContain(canary);
  });

  it('leaves no trace of a canary in a literal cut off at the end of truncated text', () => {
    for (const cut of [`'${canary}`, `E'x\\'${canary}`, `$body$ ${canary}`, `'it''s ${canary}`]) expect(pg(`SELECT a FROM t WHERE b = ${cut}`)).not.toContain(canary);
    for (const cut of [`'${canary}`, `"${canary}`, `'it\\'s ${canary}`]) expect(my(`SELECT a FROM t WHERE b = ${cut}`)).not.toContain(canary);
  });

  it('never leaks digits of numeric literals either', () => {
    expect(pg('SELECT 918273645, -918273645, 9.18273645e3, 0x918273645')).not.toMatch(/918273645/);
    expect(my('SELECT 918273645, -918273645, 0b1010101, X\'918273645\'')).not.toMatch(/918273645|1010101/);
  });
});
