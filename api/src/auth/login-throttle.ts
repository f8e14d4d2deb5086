import type { Kysely } from 'kysely';
import type { Database } from '@logstag/store';
import { ApiError } from '../http/api-error';
import type { SecuritySettings } from '../http/security-config';
import { clearLoginFailures, lockedUntil, recordLoginFailure } from '@logstag/store';

/**
 * Lockout after repeated failed sign-ins, kept in the store so every API replica sees the same counts. Three counters
 * per failure, each locking on its own:
 * - account and client address (5): locks a guesser out of that account from that address only, so nobody can lock
 *   the owner out from everywhere by failing on purpose;
 * - account, all addresses (100): the ceiling on a guess spread over many addresses, at the price of locking the
 *   account for everyone while it lasts;
 * - client address, all accounts (50): stops one address spraying many accounts.
 * An unknown address is counted exactly like a known one, so the answer never tells whether it exists.
 */
export function createLoginThrottle(db: Kysely<Database>, s: SecuritySettings) {
  const accountKey = (email: string) => `account:${email}`;
  // The address first: it has no colon-free form for IPv6, but an e-mail address has no `|`.
  const accountIpKey = (email: string, ip: string) => `account-ip:${ip}|${email}`;
  const ipKey = (ip: string) => `ip:${ip}`;
  return {
    async assertNotLocked(email: string, ip: string): Promise<void> {
      const until = await lockedUntil(db, [accountIpKey(email, ip), accountKey(email), ipKey(ip)]);
      if (!until) return;
      const retryAfterSeconds = Math.max(1, Math.ceil((until.getTime() - Date.now()) / 1000));
      throw new ApiError(429, 'rate_limited', 'too many failed sign-in attempts; try again later', { retryAfterSeconds });
    },
    async failed(email: string, ip: string): Promise<void> {
      await recordLoginFailure(db, accountIpKey(email, ip), s.loginMaxFailuresPerAccountAndIp, s.loginWindowMs, s.loginLockMs);
      await recordLoginFailure(db, accountKey(email), s.loginMaxFailuresPerAccount, s.loginWindowMs, s.loginLockMs);
      await recordLoginFailure(db, ipKey(ip), s.loginMaxFailuresPerIp, s.loginWindowMs, s.loginLockMs);
    },
    /**
     * Forgets this address's failures for the account (a user's own typos). The per-account count is kept until its
     * window ends: a success must not reset the ceiling on a guess spread over many addresses.
     */
    async succeeded(email: string, ip: string): Promise<void> {
      await clearLoginFailures(db, accountIpKey(email, ip));
    },
  };
}
export type LoginThrottle = ReturnType<typeof createLoginThrottle>;
