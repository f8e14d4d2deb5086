import type { Request, Response } from 'express';
import { principalOf } from '../auth/access';

/**
 * The organization every explorer query is scoped to: the signed-in user's (req.auth from the session middleware).
 * One seam, so an API-token principal can be added later without touching a repository.
 */
export function organizationOf(req: Request, _res: Response): string {
  return principalOf(req).organizationId;
}
