import { Router, type Request } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '@logstag/store';
import { ApiError } from '../http/api-error';
import type { SecuritySettings } from '../http/security-config';
import { parseInput } from '../http/validate';
import { findOrganization } from '@logstag/store';
import { organizationView } from '../organizations/organizations.service';
import { findUser } from '@logstag/store';
import { userView } from '../users/user-view';
import { principalOf, publicRoute, requireSession } from './access';
import { clientAddressOf } from './client-address';
import { createLoginThrottle } from './login-throttle';
import { PERMISSION_MATRIX, roleHas, type Permission } from './permissions';
import { clearSessionCookie, setSessionCookie } from './session-cookie';
import { createSessionService, type ClientInfo } from './session.service';

const loginInput = z.object({ email: z.string().trim().min(1).max(320), password: z.string().min(1).max(1024) }).strict();

function clientOf(req: Request): ClientInfo {
  return { ip: clientAddressOf(req), userAgent: req.get('user-agent') ?? null };
}

export function sessionRoutes({ db, security }: { db: Kysely<Database>; security: SecuritySettings }): Router {
  const router = Router();
  const service = createSessionService(db, security, createLoginThrottle(db, security));

  /** Who is signed in, their permissions, and the CSRF token state-changing requests must echo. */
  router.get('/api/session', requireSession(), async (req, res) => {
    const p = principalOf(req);
    const [user, org] = await Promise.all([findUser(db, p.organizationId, p.userId), findOrganization(db, p.organizationId)]);
    if (!user || !org) throw new ApiError(401, 'unauthenticated', 'sign in first: POST /api/session');
    res.set('cache-control', 'no-store');
    res.json({
      user: userView(user),
      organization: organizationView(org),
      permissions: (Object.keys(PERMISSION_MATRIX) as Permission[]).filter((perm) => roleHas(user.role, perm)),
      csrfToken: p.csrfToken,
    });
  });

  router.post('/api/session', publicRoute(), async (req, res) => {
    const input = parseInput(loginInput, req.body);
    const session = await service.login(input.email, input.password, clientOf(req));
    setSessionCookie(req, res, session.token, session.expiresAt);
    res.set('cache-control', 'no-store');
    res.status(201).json({ user: userView(session.user), csrfToken: session.csrfToken, expiresAt: session.expiresAt.toISOString() });
  });

  router.delete('/api/session', requireSession(), async (req, res) => {
    const p = principalOf(req);
    await service.logout(p.sessionHash, p, clientOf(req));
    clearSessionCookie(req, res);
    res.status(204).end();
  });
  return router;
}
