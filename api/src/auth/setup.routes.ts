import { Router, type RequestHandler } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '@logstag/store';
import { setupDoneSchema, setupStatusSchema } from '@logstag/schema/api';
import { requestClient } from '../audit';
import type { ApiRegistry } from '../http/api-registry';
import { organizationView } from '../organizations/organizations.service';
import { countUsers } from '@logstag/store';
import { userView } from '../users/user-view';
import { publicRoute } from './access';
import { MIN_PASSWORD_LENGTH } from './password';
import { completeSetup } from './setup.service';

const setupInput = z
  .object({
    token: z.string().min(20).max(200),
    organizationName: z.string().trim().min(1).max(200),
    email: z.email().max(320),
    name: z.string().trim().min(1).max(200),
    password: z.string().min(MIN_PASSWORD_LENGTH).max(1024),
  })
  .strict();

export function setupRoutes(api: ApiRegistry, { db, rateLimit }: { db: Kysely<Database>; rateLimit: RequestHandler }): Router {
  const router = Router();
  api.add(router, {
    method: 'get',
    path: '/api/setup',
    tag: 'Setup',
    summary: 'Whether first-run setup is still required (the web app chooses between sign-in and the first-run form)',
    access: publicRoute(),
    response: setupStatusSchema,
    handle: async () => ({ required: (await countUsers(db)) === 0 }),
  });
  api.add(router, {
    method: 'post',
    path: '/api/setup',
    tag: 'Setup',
    summary: 'First run: create the organization and its Account Owner with the one-time setup token',
    access: publicRoute(),
    before: [rateLimit],
    body: setupInput,
    status: 201,
    response: setupDoneSchema,
    errors: [404, 409, 429],
    handle: async ({ body }, req) => {
      const { organization, owner } = await completeSetup(db, body, requestClient(req));
      return { organization: organizationView(organization), user: userView(owner) };
    },
  });
  return router;
}
