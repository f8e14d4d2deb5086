import type { RequestHandler } from 'express';
import type { RouteDoc } from './api-route';
import { ApiError } from './api-error';

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

interface CompiledPath {
  pattern: RegExp;
  /** Path parameters: a path with fewer is more specific (`/api/invitations/accept` before `/api/invitations/:id`). */
  params: number;
  methods: Set<string>;
}

function compile(routes: readonly RouteDoc[]): CompiledPath[] {
  const byPath = new Map<string, CompiledPath>();
  for (const r of routes) {
    const parts = r.path.split(/(:\w+)/);
    const compiled = byPath.get(r.path) ?? {
      // One path segment per parameter, as express matches; case-insensitive and an optional trailing slash, as express.
      pattern: new RegExp(`^${parts.map((part) => (part.startsWith(':') ? '[^/]+' : escape(part))).join('')}/?$`, 'i'),
      params: parts.filter((p) => p.startsWith(':')).length,
      methods: new Set<string>(),
    };
    compiled.methods.add(r.method.toUpperCase());
    byPath.set(r.path, compiled);
  }
  return [...byPath.values()];
}

/** The methods a request path offers, from its most specific declared paths (as OpenAPI matches concrete paths first). */
function allowedMethods(paths: readonly CompiledPath[], path: string): Set<string> | undefined {
  const matching = paths.filter((p) => p.pattern.test(path));
  if (matching.length === 0) return undefined;
  const fewest = Math.min(...matching.map((p) => p.params));
  const methods = new Set(matching.filter((p) => p.params === fewest).flatMap((p) => [...p.methods]));
  if (methods.has('GET')) methods.add('HEAD');
  return methods;
}

/**
 * A request to a declared path with a method the path does not offer: 405 with an Allow header, in the one error
 * shape (it used to fall through to the 404); OPTIONS answers 204 with the Allow header. Mount before the routes, so
 * that a concrete path is not taken by a parameter of another (DELETE /api/invitations/accept is not a revocation of
 * invitation "accept"): the OpenAPI document reads the same way.
 */
export function methodNotAllowed(routes: readonly RouteDoc[]): RequestHandler {
  let paths: CompiledPath[] | undefined;
  return (req, res, next) => {
    // Compiled on the first request: every route is declared by then.
    paths ??= compile(routes);
    const methods = allowedMethods(paths, req.path);
    if (!methods || methods.has(req.method)) return next();
    const allow = [...methods].sort().join(', ');
    res.set('allow', allow);
    if (req.method === 'OPTIONS') {
      res.status(204).end();
      return;
    }
    next(new ApiError(405, 'method_not_allowed', `${req.method} is not offered on ${req.path}; use ${allow}`));
  };
}
