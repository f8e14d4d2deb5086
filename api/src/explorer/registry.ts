import { Router, type Request, type Response } from 'express';
import type { z } from 'zod';
import { requirePermission } from '../auth/access';
import type { ApiRegistry } from '../http/api-registry';
import type { ErrorStatus, ReplyOf } from '../http/api-route';
import { organizationOf } from './tenant';

type Schema = z.core.$ZodType;

/** One explorer GET: behind `explorers:read`, scoped to the caller's organization, declared in the API registry. */
export interface ExplorerRoute<P extends Schema | undefined, Q extends Schema, R extends Schema> {
  path: string;
  summary: string;
  tag: string;
  params?: P;
  query: Q;
  response: R;
  /** Besides 400/401/403: most explorer routes look a target up (404). */
  errors?: readonly ErrorStatus[];
  handle: (
    input: { organizationId: string; params: P extends Schema ? z.output<P> : Record<string, never>; query: z.output<Q> },
    req: Request,
    res: Response,
  ) => Promise<ReplyOf<R>>;
}

/** Registers the explorers' GET routes on one router, each declared in the API registry. */
export class ExplorerRegistry {
  readonly router = Router();
  private readonly access = requirePermission('explorers:read');
  constructor(private readonly api: ApiRegistry) {}

  get<P extends Schema | undefined, Q extends Schema, R extends Schema>(route: ExplorerRoute<P, Q, R>): void {
    const { handle, ...doc } = route;
    this.api.add(this.router, {
      ...doc,
      method: 'get',
      access: this.access,
      errors: route.errors ?? (route.params ? [404] : []),
      handle: ({ params, query }, req, res) => handle({ organizationId: organizationOf(req, res), params: params as never, query: query as z.output<Q> }, req, res),
    });
  }
}
