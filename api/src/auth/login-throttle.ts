import type { Kysely } from 'kysely';
import type { Database } from '@logstag/store';
import { ApiError } from '../http/api-error';
import type { SecuritySettings } from '../http/security-config';
import { clearLoginFailures, lockedUntil, recordLoginFailure } from './login-throttle.repository';

/**
 * Per-account and per-IP lockout after repeated failed sign-ins, kept in the store so every API replica sees the same
 * counts. An unknown address is counted exactly like a known one, so the answer never tells whether it exists.
 */
export function createLoginThrottle(db: Kysely<Database>, s: SecuritySettings) {
  const accountKey = (email: string) => `account:${email}`;
  const ipKey = (ip: string) => `ip:${ip}`;
  return {
    async assertNotLocked(email: string, ip: string): Promise<void> {
      const until = await lockedUntil(db, [accountKey(email), ipKey(ip)]);
      if (!until) return;
      const retryAfterSeconds = Math.max(1, Math.ceil((until.getTime() - Date.now()) / 1000));
      throw new ApiError(429, 'rate_limited', 'too many failed sign-in attempts; try again later', { retryAfterSeconds });
    },
    async failed(email: string, ip: string): Promise<void> {
      await recordLoginFailure(db, accountKey(email), s.loginMaxFailuresPerAccount, s.loginWindowMs, s.loginLockMs);
      await recordLoginFailure(db, ipKey(ip), s.loginMaxFailuresPerIp, s.loginWindowMs, s.loginLockMs);
    },
    async succeeded(email: string): Promise<void> {
      await clearLoginFailures(db, accountKey(email));
    },
  };
}
export type LoginThrottle = ReturnType<typeof createLoginThrottle>;
