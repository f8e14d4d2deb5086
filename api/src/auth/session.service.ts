import type { Kysely } from 'kysely';
import type { Database, UserRow } from '@logstag/store';
import { recordAuditEvent } from '../audit';
import { ApiError } from '../http/api-error';
import type { SecuritySettings } from '../http/security-config';
import { canonicalEmail, findUserByEmail } from '@logstag/store';
import type { LoginThrottle } from './login-throttle';
import { burnPasswordCheck, verifyPassword } from './password';
import { deleteStaleLoginThrottle } from '@logstag/store';
import { deleteExpiredSessions, deleteSession, insertSession } from '@logstag/store';
import { randomToken, tokenHash } from './tokens';

export interface ClientInfo {
  ip: string;
  userAgent: string | null;
}

export interface NewSession {
  token: string;
  csrfToken: string;
  expiresAt: Date;
  user: UserRow;
}

// One message for an unknown address and a wrong password: the answer must not reveal which accounts exist.
const WRONG_CREDENTIALS = 'email or password is incorrect';
// What sign-in accepts (a 64-character local part, @, a 255-character domain); recorded lower-cased and trimmed.
const MAX_RECORDED_EMAIL = 320;

export function createSessionService(db: Kysely<Database>, security: SecuritySettings, throttle: LoginThrottle) {
  return {
    async login(emailInput: string, password: string, client: ClientInfo): Promise<NewSession> {
      const email = canonicalEmail(emailInput);
      await throttle.assertNotLocked(email, client.ip);
      const user = await findUserByEmail(db, email);
      const ok = user ? await verifyPassword(user.password_hash, password) : (await burnPasswordCheck(password), false);
      if (!user || !ok) {
        await throttle.failed(email, client.ip);
        // An address that matches no user belongs to no organization: an installation event (organization null),
        // which the first organization's Account Owners read with GET /api/audit-events?scope=installation.
        await recordAuditEvent(db, {
          organizationId: user?.organization_id ?? null,
          actor: { userId: user?.id ?? null, label: email.slice(0, MAX_RECORDED_EMAIL) },
          action: 'login.failed',
          object: user ? { type: 'user', id: user.id } : null,
          ip: client.ip,
          userAgent: client.userAgent,
          after: { reason: user ? 'wrong password' : 'unknown account' },
        });
        throw new ApiError(401, 'unauthenticated', WRONG_CREDENTIALS);
      }
      await throttle.succeeded(email, client.ip);
      const token = randomToken();
      const csrfToken = randomToken();
      const expiresAt = new Date(Date.now() + security.sessionTtlMs);
      await db.transaction().execute(async (trx) => {
        await insertSession(trx, {
          token_hash: tokenHash(token),
          user_id: user.id,
          organization_id: user.organization_id,
          csrf_token: csrfToken,
          expires_at: expiresAt,
          ip: client.ip,
          user_agent: client.userAgent?.slice(0, 512) ?? null,
        });
        await recordAuditEvent(trx, {
          organizationId: user.organization_id,
          actor: { userId: user.id, label: user.email },
          action: 'login.succeeded',
          object: { type: 'user', id: user.id },
          ip: client.ip,
          userAgent: client.userAgent,
        });
      });
      // Housekeeping rides on successful sign-ins (rare, never on the hot path) instead of a timer per replica.
      await deleteExpiredSessions(db, security.sessionIdleMs);
      await deleteStaleLoginThrottle(db, security.loginWindowMs);
      return { token, csrfToken, expiresAt, user };
    },

    async logout(sessionHash: string, user: { userId: string; organizationId: string; email: string }, client: ClientInfo): Promise<void> {
      await db.transaction().execute(async (trx) => {
        await deleteSession(trx, sessionHash);
        await recordAuditEvent(trx, {
          organizationId: user.organizationId,
          actor: { userId: user.userId, label: user.email },
          action: 'logout',
          object: { type: 'user', id: user.userId },
          ip: client.ip,
          userAgent: client.userAgent,
        });
      });
    },
  };
}
