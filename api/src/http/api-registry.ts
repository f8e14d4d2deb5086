import type { Router } from 'express';
import type { z } from 'zod';
import type { RouteDoc, RouteSpec, ResponseSpec } from './api-route';
import { parseInput } from './validate';

type Schema = z.core.$ZodType;

const isNoContent = (r: ResponseSpec): r is { noContent: true } => typeof r === 'object' && 'noContent' in r;
const isText = (r: ResponseSpec): r is { text: string; description: string } => typeof r === 'object' && 'text' in r && !('_zod' in r);

/**
 * Where every route is declared: `add` registers it on a router behind its access middleware, parses its inputs with
 * its schemas (a mismatch is a 400 naming each field), answers its typed reply, and keeps the declaration for
 * /api/openapi.json (openapi-document.ts) and for the 405 answers to other methods (method-not-allowed.ts).
 */
export class ApiRegistry {
  readonly routes: RouteDoc[] = [];

  add<P extends Schema | undefined = undefined, Q extends Schema | undefined = undefined, B extends Schema | undefined = undefined, R extends ResponseSpec = ResponseSpec>(
    router: Router,
    spec: RouteSpec<P, Q, B, R>,
  ): void {
    const { handle, before = [], ...doc } = spec;
    this.routes.push(doc as RouteDoc);
    const access = 'access' in spec.access ? [spec.access] : [];
    router[spec.method](spec.path, ...access, ...before, async (req, res) => {
      const input = {
        params: spec.params ? parseInput(spec.params, req.params) : {},
        query: spec.query ? parseInput(spec.query, req.query) : {},
        body: spec.body ? parseInput(spec.body, req.body) : {},
      } as Parameters<typeof handle>[0];
      const reply = await handle(input, req, res);
      // Text answers (CSV, Prometheus) are written by their handler.
      if (res.headersSent || isText(spec.response)) return;
      if (isNoContent(spec.response)) {
        res.status(204).end();
        return;
      }
      // A handler may have chosen another documented status (readiness: 503).
      if (res.statusCode === 200) res.status(spec.status ?? 200);
      res.json(reply);
    });
  }
}

export { isNoContent, isText };
