import type { RequestHandler } from 'express';
import type { Kysely } from 'kysely';
import type { Database } from '@logstag/store';
import type { SecuritySettings } from '../http/security-config';
import { clearSessionCookie, sessionCookieOf } from './session-cookie';
import { findActiveSession, touchSession } from '@logstag/store';
import { tokenHash } from './tokens';
import './request-auth';

/**
 * Attaches `req.auth` when the session cookie names a live session; otherwise the request stays anonymous and the
 * route's access middleware answers 401. The idle clock is advanced at most every `touchEveryMs`, not on every request.
 */
export function loadSession({ db, security }: { db: Kysely<Database>; security: SecuritySettings }): RequestHandler {
  const touchEveryMs = Math.min(60_000, Math.floor(security.sessionIdleMs / 4));
  return async (req, res, next) => {
    const token = sessionCookieOf(req);
    if (!token) return next();
    try {
      const hash = tokenHash(token);
      const session = await findActiveSession(db, hash, security.sessionIdleMs);
      if (!session) {
        clearSessionCookie(req, res);
        return next();
      }
      if (Date.now() - session.last_seen_at.getTime() >= touchEveryMs) await touchSession(db, hash);
      req.auth = {
        userId: session.user_id,
        organizationId: session.organization_id,
        email: session.email,
        role: session.role,
        sessionHash: hash,
        csrfToken: session.csrf_token,
      };
      next();
    } catch (err) {
      next(err);
    }
  };
}
