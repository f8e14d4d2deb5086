import { describe, expect, it } from 'vitest';
import { keyPattern } from './key-pattern';

describe('keyPattern', () => {
  it.each([
    ['user:1234:session', 'user:*:session'],
    ['order:3f2b8c1e-9a4d-4c5e-8f7a-1b2c3d4e5f60', 'order:*'],
    ['cache:page:/products/42', 'cache:page:/products/*'],
    ['mail:jane.doe@example.com:queue', 'mail:*:queue'],
    ['sess:9f86d081884c7d659a2feaa0c55ad015', 'sess:*'],
    ['token:dGhpcyBpcyBhIHNlY3JldCB0b2tlbjE', 'token:*'],
    ['stats:2024-01-31:visits', 'stats:*:visits'],
    ['queue:item42', 'queue:item*'],
    ['{user1000}.following', '{user*}.following'],
    ['rate-limit:api', 'rate-limit:api'],
    ['feature_flags', 'feature_flags'],
    ['facade:deadbeef', 'facade:deadbeef'],
  ])('%s → %s', (key, pattern) => {
    expect(keyPattern(key)).toBe(pattern);
  });

  it('never keeps a long unstructured segment', () => {
    expect(keyPattern(`blob:${'x'.repeat(60)}`)).toBe('blob:*');
  });
});
