import type { Request, RequestHandler } from 'express';
import { ApiError } from '../http/api-error';
import { roleHas, type Permission } from './permissions';
import type { SessionPrincipal } from './request-auth';
import './request-auth';

/**
 * Every /api route declares who may call it with one of these three middlewares. Each carries an `access` marker the
 * isolation test reads from express's router stack, so a route without a declaration fails the test.
 */
export type AccessMarker = { kind: 'public' } | { kind: 'session' } | { kind: 'permission'; permission: Permission };
export type MarkedHandler = RequestHandler & { access: AccessMarker };

function marked(handler: RequestHandler, access: AccessMarker): MarkedHandler {
  return Object.assign(handler, { access });
}

/** Reachable without signing in (sign-in, first-run setup, accepting an invitation). */
export function publicRoute(): MarkedHandler {
  return marked((_req, _res, next) => next(), { kind: 'public' });
}

/** Any signed-in user of any role. */
export function requireSession(): MarkedHandler {
  return marked((req, _res, next) => next(req.auth ? undefined : unauthenticated()), { kind: 'session' });
}

/** 401 without a session, 403 when the user's role lacks the permission in PERMISSION_MATRIX. */
export function requirePermission(permission: Permission): MarkedHandler {
  return marked(
    (req, _res, next) => {
      if (!req.auth) return next(unauthenticated());
      if (!roleHas(req.auth.role, permission)) return next(new ApiError(403, 'forbidden', `your role (${req.auth.role}) lacks the permission ${permission}`));
      next();
    },
    { kind: 'permission', permission },
  );
}

export function unauthenticated(): ApiError {
  return new ApiError(401, 'unauthenticated', 'sign in first: POST /api/session');
}

/** The principal of a route guarded by requireSession/requirePermission. */
export function principalOf(req: Request): SessionPrincipal {
  if (!req.auth) throw unauthenticated();
  return req.auth;
}
