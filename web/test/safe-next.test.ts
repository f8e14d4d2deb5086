// Where sign-in may send the visitor: generated hostile `next` values, judged by the WHATWG URL parser browsers use.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_AFTER_SIGN_IN, safeNextPath } from '../src/lib/server/safe-next';

const ORIGIN = 'https://logstag.example:8443';
const LOGIN_PAGE = `${ORIGIN}/login?next=x`;

/** What a browser does with `Location: path` on the sign-in page: the origin it lands on, and the path there. */
function followed(path: string): URL {
  return new URL(path, LOGIN_PAGE);
}

// Pieces attackers combine: separators browsers fold into `/`, characters they strip, their encodings, and hosts.
const PIECES = [
  '/', '//', '\\', '%5C', '%5c', '%2F', '%2f', '%252F', '%255C', '\t', '%09', '\n', '%0A', '\r', '%0D', ' ', '%20', '\u0000',
  '%00', '\u3000', '\u2028', '\ufeff', '.', '..', '%2E', '@', ':', '?', '#', 'evil.example', 'logstag.example', 'javascript:',
  'http:', 'https:', 'data:', 'user:pw@', 'assets', '%E0%A4%A', '%',
];
const hostileNext = fc.array(fc.constantFrom(...PIECES), { minLength: 1, maxLength: 8 }).map((parts) => parts.join(''));

describe('safeNextPath', () => {
  it('never leaves the origin, whatever the pieces of `next` (20,000 generated values)', () => {
    fc.assert(
      fc.property(hostileNext, (next) => {
        const path = safeNextPath(next, ORIGIN);
        const landed = followed(path);
        expect(landed.origin).toBe(ORIGIN);
        expect(path.startsWith('/') && !path.startsWith('//')).toBe(true);
        expect(path).not.toMatch(/[\\\s\u0000-\u001f]/);
        // Decoded once more (a proxy or a route might), it still names no host.
        expect(decodeURIComponent(landed.pathname)).not.toMatch(/^\/\/|\\/);
      }),
      { numRuns: 20_000 },
    );
  });

  it('never leaves the origin for arbitrary strings either', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (next) => {
        expect(followed(safeNextPath(next, ORIGIN)).origin).toBe(ORIGIN);
      }),
      { numRuns: 10_000 },
    );
  });

  it.each([
    '//evil.example',
    '/\\evil.example',
    '/%5Cevil.example',
    '/\t/evil.example',
    '\t//evil.example',
    ' //evil.example',
    'https://evil.example',
    'https:evil.example',
    '/%2F%2Fevil.example',
    '/%2f/evil.example',
    '/.//evil.example',
    '/..//evil.example',
    '/%2E%2E//evil.example',
    'javascript:alert(1)',
    '/\r\nLocation: http://evil.example',
    `${ORIGIN}/assets`,
    'assets',
    '',
    null,
  ])('refuses %j', (next) => {
    expect(safeNextPath(next, ORIGIN)).toBe(DEFAULT_AFTER_SIGN_IN);
  });

  it.each([
    ['/assets', '/assets'],
    ['/queries/detail?target=pg-main&id=12', '/queries/detail?target=pg-main&id=12'],
    ['/activity?target=a%20b#top', '/activity?target=a%20b#top'],
    ['/databases/pg%2Fmain', '/databases/pg%2Fmain'],
    ['/schema/./tables/../', '/schema/'],
  ])('keeps the same-origin path %j', (next, expected) => {
    expect(safeNextPath(next, ORIGIN)).toBe(expected);
  });
});
