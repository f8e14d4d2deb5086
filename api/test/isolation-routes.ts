// Lists every route registered on the express app by walking its router stack, with the access marker each declares.
import type { Express } from 'express';
import type { AccessMarker } from '../src/auth/access';

export interface RegisteredRoute {
  method: string;
  path: string;
  access: AccessMarker | undefined;
}

interface LayerLike {
  route?: { path: string | string[]; methods: Record<string, boolean>; stack: LayerLike[] };
  handle?: { stack?: LayerLike[]; access?: AccessMarker };
  rawPath?: string | string[] | RegExp;
}

/** Mount paths joined without doubling slashes; a router mounted at '/' adds nothing. */
function join(prefix: string, path: string): string {
  return path === '/' ? prefix : `${prefix}${path}`;
}

function walk(stack: LayerLike[], prefix: string, out: RegisteredRoute[]): void {
  for (const layer of stack) {
    if (layer.route) {
      const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
      const access = layer.route.stack.map((l) => l.handle?.access).find((a) => a !== undefined);
      for (const method of Object.keys(layer.route.methods).filter((m) => layer.route?.methods[m])) {
        for (const p of paths) out.push({ method: method.toUpperCase(), path: join(prefix, p), access });
      }
    } else if (layer.handle?.stack) {
      const mounts = layer.rawPath === undefined ? ['/'] : Array.isArray(layer.rawPath) ? layer.rawPath : [layer.rawPath];
      for (const m of mounts) {
        if (typeof m !== 'string') throw new Error(`a router is mounted on a RegExp (${String(m)}); the isolation test cannot see its paths`);
        walk(layer.handle.stack, join(prefix, m), out);
      }
    }
  }
}

export function registeredRoutes(app: Express): RegisteredRoute[] {
  const router = (app as unknown as { router: { stack: LayerLike[] } }).router;
  const out: RegisteredRoute[] = [];
  walk(router.stack, '', out);
  return out;
}
