import { Router } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '@logstag/store';
import { requestClient } from '../audit';
import { parseInput } from '../http/validate';
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

export function setupRoutes({ db }: { db: Kysely<Database> }): Router {
  const router = Router();
  /** Lets the web app choose between the sign-in and the first-run form. */
  router.get('/api/setup', publicRoute(), async (_req, res) => {
    res.json({ required: (await countUsers(db)) === 0 });
  });
  router.post('/api/setup', publicRoute(), async (req, res) => {
    const input = parseInput(setupInput, req.body);
    const { organization, owner } = await completeSetup(db, input, requestClient(req));
    res.status(201).json({ organization: organizationView(organization), user: userView(owner) });
  });
  return router;
}
