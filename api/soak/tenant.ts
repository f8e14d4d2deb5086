// The organization the simulated agents send for, with one agent API key per agent (the per-key ingest rate limit
// applies to each, as in production). Written straight into the soak's store before the API starts.
import type { Kysely } from 'kysely';
import type { Database } from '@logstag/store';
import { createAgentKeysService } from '../src/agent-keys/agent-keys.service';
import { createOrganizationWithOwner } from '../src/organizations/organizations.service';

/** The recorded mix names its agents agent-0 … agent-19 (api/bench/recorded-payloads.ts). */
export const SOAK_AGENTS = 20;

export async function createSoakTenant(db: Kysely<Database>): Promise<{ keys: string[] }> {
  const { organization, owner } = await createOrganizationWithOwner(db, {
    organizationName: 'soak',
    email: 'soak@example.com',
    name: 'Soak',
    password: 'soak-password-not-secret',
  });
  const service = createAgentKeysService(db);
  const keys: string[] = [];
  for (let i = 0; i < SOAK_AGENTS; i++) {
    const created = await service.create(organization.id, { name: `agent-${i}` }, owner.id, {
      organizationId: organization.id,
      actor: { userId: owner.id, label: owner.email },
    });
    keys.push(created.key);
  }
  return { keys };
}
