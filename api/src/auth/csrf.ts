import type { Request, RequestHandler } from 'express';
import { ApiError } from '../http/api-error';
import { equalInConstantTime } from './tokens';
import './request-auth';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
export const CSRF_HEADER = 'x-csrf-token';

function requestOrigin(req: Request): string | undefined {
  const origin = req.get('origin');
  // Any Origin sent, the opaque "null" included, is checked as it is.
  if (origin) return origin;
  const referer = req.get('referer');
  if (!referer) return undefined;
  try {
    return new URL(referer).origin;
  } catch {
    return 'null';
  }
}

/**
 * Two layers for every state-changing /api request: the browser-supplied Origin (or Referer) must be this server or a
 * trusted origin, and a signed-in request must echo its session's CSRF token (from GET /api/session) in X-CSRF-Token.
 * SameSite=Lax already keeps the cookie off most cross-site requests; these cover older browsers and same-site
 * subdomains. Non-browser clients send no Origin and are held to the token alone.
 */
export function csrfProtection({ trustedOrigins }: { trustedOrigins: readonly string[] }): RequestHandler {
  return (req, _res, next) => {
    if (SAFE_METHODS.has(req.method)) return next();
    const origin = requestOrigin(req);
    const own = `${req.protocol}://${req.get('host')}`;
    if (origin !== undefined && origin !== own && !trustedOrigins.includes(origin)) {
      return next(new ApiError(403, 'forbidden', 'cross-origin request refused'));
    }
    if (req.get('sec-fetch-site') === 'cross-site') return next(new ApiError(403, 'forbidden', 'cross-site request refused'));
    if (req.auth) {
      const sent = req.get(CSRF_HEADER);
      if (!sent || !equalInConstantTime(sent, req.auth.csrfToken)) {
        return next(new ApiError(403, 'forbidden', 'missing or wrong X-CSRF-Token header; read the token from GET /api/session'));
      }
    }
    next();
  };
}
