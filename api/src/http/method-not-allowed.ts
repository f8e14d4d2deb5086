import type { RequestHandler } from 'express';
import type { RouteDoc } from './api-route';
import { ApiError } from './api-error';

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `/api/users/:id/role` → a regex matching one path segment per parameter, as express does. */
function pathPattern(path: string): RegExp {
  return new RegExp(`^${path.split(/(:\w+)/).map((part) => (part.startsWith(':') ? '[^/]+' : escape(part))).join('')}/?$`, 'i');
}

/**
 * A request to a declared path with a method the path does not offer: 405 with an Allow header, in the one error
 * shape (it used to fall through to the 404). Mount after every route and before the 404 fallbacks.
 */
export function methodNotAllowed(routes: readonly RouteDoc[]): RequestHandler {
  let compiled: Array<{ pattern: RegExp; method: string }> | undefined;
  return (req, res, next) => {
    compiled ??= routes.map((r) => ({ pattern: pathPattern(r.path), method: r.method.toUpperCase() }));
    const methods = new Set(compiled.filter((r) => r.pattern.test(req.path)).map((r) => r.method));
    if (methods.size === 0) return next();
    if (methods.has('GET')) methods.add('HEAD');
    const allow = [...methods].sort().join(', ');
    res.set('allow', allow);
    next(new ApiError(405, 'method_not_allowed', `${req.method} is not offered on ${req.path}; use ${allow}`));
  };
}
