import { describe, expect, it } from 'vitest';
import { retryDelayMs } from '@logstag/schema';
import { judgeHttp, parseRetryAfter, responseExcerpt } from '../src/index';

const now = new Date('2026-12-05T12:00:00Z');

describe('what an answer means for a delivery', () => {
  it.each([
    [200, 'delivered'],
    [202, 'delivered'],
    [301, 'failed'],
    [307, 'failed'],
    [400, 'failed'],
    [401, 'failed'],
    [404, 'failed'],
    [408, 'retry'],
    [410, 'gone'],
    [429, 'retry'],
    [500, 'retry'],
    [503, 'retry'],
  ] as const)('HTTP %i → %s', (status, verdict) => {
    expect(judgeHttp(status, null, undefined, now).verdict).toBe(verdict);
  });

  it('retries network errors and timeouts, never a refused destination', () => {
    expect(judgeHttp(null, 'ECONNRESET', undefined, now).verdict).toBe('retry');
    expect(judgeHttp(null, 'ETIMEDOUT', undefined, now).verdict).toBe('retry');
    expect(judgeHttp(null, 'EDESTINATIONREFUSED', undefined, now).verdict).toBe('failed');
  });

  it('reads Retry-After as seconds and as an HTTP date, and ignores nonsense', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Sat, 05 Dec 2026 12:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Sat, 05 Dec 2026 11:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(judgeHttp(429, null, '7', now).retryAfterMs).toBe(7_000);
  });

  it('waits the schedule ±20 %, at least the Retry-After, at most a day of it', () => {
    expect(retryDelayMs(10_000, null, 0)).toBe(8_000);
    expect(retryDelayMs(10_000, null, 0.999)).toBeLessThanOrEqual(12_000);
    expect(retryDelayMs(5_000, 60_000, 0.5)).toBe(60_000);
    expect(retryDelayMs(5_000, 10 * 86_400_000, 0.5)).toBe(86_400_000);
  });

  it('keeps a capped excerpt with secrets and secret-shaped text removed', () => {
    const text = `token abc123SECRET whsec_AAAABBBBCCCC Bearer eyJhbGciOi https://hooks.slack.com/services/T0/B0/XYZ ${'y'.repeat(3000)}`;
    const e = responseExcerpt(text, ['abc123SECRET'])!;
    expect(e).not.toMatch(/abc123SECRET|AAAABBBB|eyJhbGciOi|XYZ/);
    expect(e.length).toBeLessThanOrEqual(1024 + ' (truncated)'.length + 1);
  });
});
