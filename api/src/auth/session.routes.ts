import { Router, type Request, type RequestHandler } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '@logstag/store';
import { signedInSchema, signedInSessionSchema } from '@logstag/schema/api';
import { ApiError } from '../http/api-error';
import type { ApiRegistry } from '../http/api-registry';
import type { SecuritySettings } from '../http/security-config';
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

export function sessionRoutes(api: ApiRegistry, { db, security, rateLimit }: { db: Kysely<Database>; security: SecuritySettings; rateLimit: RequestHandler }): Router {
  const router = Router();
  const service = createSessionService(db, security, createLoginThrottle(db, security));
  const tag = 'Session';

  api.add(router, {
    method: 'get',
    path: '/api/session',
    tag,
    summary: 'Who is signed in, their permissions, and the CSRF token state-changing requests must echo',
    access: requireSession(),
    response: signedInSessionSchema,
    handle: async (_input, req, res) => {
      const p = principalOf(req);
      const [user, org] = await Promise.all([findUser(db, p.organizationId, p.userId), findOrganization(db, p.organizationId)]);
      if (!user || !org) throw new ApiError(401, 'unauthenticated', 'sign in first: POST /api/session');
      res.set('cache-control', 'no-store');
      return {
        user: userView(user),
        organization: organizationView(org),
        permissions: (Object.keys(PERMISSION_MATRIX) as Permission[]).filter((perm) => roleHas(user.role, perm)),
        csrfToken: p.csrfToken,
      };
    },
  });

  api.add(router, {
    method: 'post',
    path: '/api/session',
    tag,
    summary: 'Sign in: sets the session cookie and answers the CSRF token',
    access: publicRoute(),
    before: [rateLimit],
    body: loginInput,
    status: 201,
    response: signedInSchema,
    errors: [401, 429],
    handle: async ({ body }, req, res) => {
      const session = await service.login(body.email, body.password, clientOf(req));
      setSessionCookie(req, res, session.token, session.expiresAt);
      res.set('cache-control', 'no-store');
      return { user: userView(session.user), csrfToken: session.csrfToken, expiresAt: session.expiresAt.toISOString() };
    },
  });

  api.add(router, {
    method: 'delete',
    path: '/api/session',
    tag,
    summary: 'Sign out: ends this session',
    access: requireSession(),
    response: { noContent: true },
    handle: async (_input, req, res) => {
      const p = principalOf(req);
      await service.logout(p.sessionHash, p, clientOf(req));
      clearSessionCookie(req, res);
    },
  });
  return router;
}
