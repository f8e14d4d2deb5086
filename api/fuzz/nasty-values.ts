// Values that break parsers, databases and renderers, shared by the ingest and REST fuzzers.
import fc from 'fast-check';
import type { RawToken, RepeatToken } from './raw-json';

/** Strings a JSON encoder writes faithfully but a store, a regex or a terminal may choke on. */
export const NASTY_STRINGS: readonly string[] = [
  '',
  ' ',
  'a\u0000b',
  '\u0000',
  '\ud800',
  '\udfff',
  'x\ud83d',
  '\ude00x',
  '\ud83d\ude00',
  '👩‍👩‍👧‍👦',
  '\ufeff',
  '\ufeffpg-main',
  '\u202eevil\u202c',
  'مرحبا بالعالم',
  '\u200f\u200e\u200b',
  'e\u0301\u0301\u0301',
  'Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǧ̗͚̚o̙̔ͮ̇͐̇',
  '\uffff',
  '\ufffe',
  '\u{10ffff}',
  '\u2028\u2029',
  '\r\n',
  '\t\v\f\b',
  '\u007f\u0085\u009f',
  'null',
  '__proto__',
  'constructor',
  "'; DROP TABLE payloads; --",
  '%s%n%x',
  '${jndi:ldap://x}',
  '<script>alert(1)</script>',
  '../../../../etc/passwd',
  'pg-main',
  '1e309',
  '-0',
  'NaN',
  '\\',
  '"',
  '\\u0000',
];

/** Number literals as written in JSON text: beyond a double, negative zero, exponents, many digits. */
export const NUMBER_LITERALS: readonly string[] = [
  '1e309',
  '-1e309',
  '1e-400',
  '-0',
  '0.0000000000000000000000000001',
  '123456789012345678901234567890',
  '9007199254740993',
  '-9223372036854775809',
  '1E+2',
  '1.5e308',
  '4.9e-324',
];

/** Bytes that are not valid UTF-8, or that decode to what a validator should have refused. */
export const BAD_UTF8_HEX: readonly string[] = [
  'c080', // overlong NUL
  'c0af', // overlong '/'
  'e080af', // overlong '/', 3 bytes
  'f08080af', // overlong '/', 4 bytes
  'eda080', // a UTF-16 surrogate encoded as UTF-8 (CESU-8)
  'edbfbf',
  'ff',
  'fe',
  '80',
  'c3', // truncated sequence
  'f4908080', // above U+10FFFF
  'efbbbf', // a BOM in the middle
  '00', // a raw NUL byte inside a string literal (JSON forbids it)
  '1f',
  '0d', // a bare CR
];

export const nastyString = (): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
    // Any code point, lone surrogate halves included.
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  );

/** A JSON string literal with raw bytes inside: `"a<bytes>b"`. */
export const badUtf8String = (): fc.Arbitrary<RawToken> =>
  fc
    .tuple(fc.constantFrom(...BAD_UTF8_HEX), fc.constantFrom('', 'a', 'pg-main'), fc.constantFrom('', 'b'))
    .map(([hex, before, after]) => ({ $raw: [`"${before}`, { hex }, `${after}"`] }));

export const numberLiteral = (): fc.Arbitrary<RawToken> => fc.constantFrom(...NUMBER_LITERALS).map((n) => ({ $raw: [n] }));

/** A long string, described: up to 200,000 characters of one unit. */
export const longString = (): fc.Arbitrary<RepeatToken> =>
  fc
    .tuple(fc.constantFrom('x', '😀', '\u0000', 'é', '\ud800'), fc.constantFrom(129, 256, 2001, 65_536, 200_000))
    .map(([unit, times]) => ({ $repeat: { unit, times } }));

/** Any JSON value with nasty strings as leaves and keys. */
export const nastyJson = (): fc.Arbitrary<unknown> =>
  fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      nastyString(),
      fc.double(),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.array(tie('value'), { maxLength: 4 }),
      fc.dictionary(nastyString(), tie('value'), { maxKeys: 4 }),
    ),
  })).value;

/** A value of any JSON type (or raw JSON text) for a field that expects something else. */
export const wrongValue = (): fc.Arbitrary<unknown> =>
  fc.oneof(
    { weight: 3, arbitrary: nastyString() },
    { weight: 2, arbitrary: fc.constantFrom(null, true, false, 0, -1, 1.5, 2 ** 53, -(2 ** 31), [], {}, [null], { a: 1 }) },
    { weight: 1, arbitrary: numberLiteral() },
    { weight: 1, arbitrary: badUtf8String() },
    { weight: 1, arbitrary: longString() },
    { weight: 1, arbitrary: nastyJson() },
  );
