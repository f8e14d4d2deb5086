import { Router, type Request, type Response } from 'express';
import type { z } from 'zod';
import { requirePermission } from '../auth/access';
import { parseInput } from '../http/validate';
import { organizationOf } from './tenant';

/** One documented explorer route: its inputs are the zod schemas the OpenAPI document is generated from. */
export interface ExplorerRoute<P extends z.ZodType, Q extends z.ZodType> {
  path: string;
  summary: string;
  tag: string;
  params?: P;
  query: Q;
  handle: (input: { organizationId: string; params: z.output<P>; query: z.output<Q> }, req: Request, res: Response) => Promise<unknown>;
}

export interface RouteDoc {
  method: 'get';
  path: string;
  summary: string;
  tag: string;
  params?: z.ZodType;
  query: z.ZodType;
}

/** Registers GET routes behind `explorers:read`, validates inputs, answers JSON, and keeps each route's doc. */
export class ExplorerRegistry {
  readonly router = Router();
  readonly docs: RouteDoc[] = [];

  get<P extends z.ZodType, Q extends z.ZodType>(route: ExplorerRoute<P, Q>): void {
    this.docs.push({ method: 'get', path: route.path, summary: route.summary, tag: route.tag, query: route.query, ...(route.params ? { params: route.params } : {}) });
    this.router.get(route.path, requirePermission('explorers:read'), async (req, res) => {
      const organizationId = organizationOf(req, res);
      const params = (route.params ? parseInput(route.params, req.params) : {}) as z.output<P>;
      const query = parseInput(route.query, req.query);
      res.json(await route.handle({ organizationId, params, query }, req, res));
    });
  }
}
