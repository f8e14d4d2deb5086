import express, { Router } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import type { Kysely } from 'kysely';
import type { Database } from '@logstag/store';
import { agentKeysRoutes } from '../agent-keys/agent-keys.routes';
import { auditRoutes } from '../audit/audit.routes';
import { clientAddressOf } from '../auth/client-address';
import { csrfProtection } from '../auth/csrf';
import { loadSession } from '../auth/session.middleware';
import { sessionRoutes } from '../auth/session.routes';
import { setupRoutes } from '../auth/setup.routes';
import { invitationsRoutes } from '../invitations/invitations.routes';
import { organizationRoutes } from '../organizations/organizations.routes';
import { usersRoutes } from '../users/users.routes';
import { ApiError } from './api-error';
import type { ApiRegistry } from './api-registry';
import type { SecuritySettings } from './security-config';

/** JSON bodies on /api are small forms; 100 kB is generous and stops memory abuse. Ingest has its own limits. */
export const API_JSON_LIMIT = '100kb';

/**
 * What every /api route stands behind, in order: a JSON body limit, the session (req.auth), CSRF protection. Mount it
 * before any /api route.
 */
export function apiSecurity({ db, security }: { db: Kysely<Database>; security: SecuritySettings }): Router {
  const router = Router();
  router.use('/api', express.json({ limit: API_JSON_LIMIT }));
  router.use('/api', loadSession({ db, security }));
  router.use('/api', csrfProtection({ trustedOrigins: security.trustedOrigins }));
  return router;
}

/**
 * Request-rate limit per IP on the unauthenticated credential endpoints, before the per-account lockout even looks.
 * express-rate-limit's in-memory store: per replica, which suits a coarse flood guard (the lockout itself is in the store).
 */
function credentialRateLimit(perMinute: number) {
  return rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    // The same client address as the lockout and the audit log (LOGSTAG_TRUST_PROXY), IPv6 grouped by /56.
    keyGenerator: (req) => ipKeyGenerator(clientAddressOf(req)),
    // X-Forwarded-For without a trusted proxy is expected here (ignored on purpose, or the web app's own calls).
    validate: { xForwardedForHeader: false },
    handler: (_req, _res, next) => next(new ApiError(429, 'rate_limited', 'too many requests from this address; try again in a minute')),
  });
}

/** Accounts, sessions, invitations, agent keys, organization settings and the audit log. */
export function accountRoutes(api: ApiRegistry, { db, security }: { db: Kysely<Database>; security: SecuritySettings }): Router {
  const router = Router();
  // One limit shared by sign-in, setup and accepting an invitation: the unauthenticated credential endpoints.
  const rateLimit = credentialRateLimit(security.loginRatePerMinute);
  router.use(sessionRoutes(api, { db, security, rateLimit }));
  router.use(setupRoutes(api, { db, rateLimit }));
  router.use(organizationRoutes(api, { db }));
  router.use(usersRoutes(api, { db }));
  router.use(invitationsRoutes(api, { db, ttlMs: security.invitationTtlMs, rateLimit }));
  router.use(agentKeysRoutes(api, { db }));
  router.use(auditRoutes(api, { db }));
  return router;
}
