import type { Kysely, Transaction } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { Database, OrganizationRow, UserRow } from '@logstag/store';
import { hashPassword } from '../auth/password';
import { canonicalEmail, insertUser } from '@logstag/store';
import { insertOrganization, seedDefaultAlertRules } from '@logstag/store';
import type { Organization } from '@logstag/schema/api';

/** A new organization, its first Account Owner and the default alert rules, in the caller's transaction (first run, setup link, tests). */
export async function createOrganizationWithOwner(
  trx: Transaction<Database> | Kysely<Database>,
  input: { organizationName: string; email: string; name: string; password: string },
): Promise<{ organization: OrganizationRow; owner: UserRow }> {
  const organization = await insertOrganization(trx, uuidv7(), input.organizationName);
  // Every new organization starts with the default alert rule pack, enabled and editable.
  await seedDefaultAlertRules(trx, organization.id);
  const owner = await insertUser(trx, {
    id: uuidv7(),
    organization_id: organization.id,
    email: canonicalEmail(input.email),
    name: input.name,
    password_hash: await hashPassword(input.password),
    role: 'owner',
  });
  return { organization, owner };
}

export function organizationView(o: OrganizationRow): Organization {
  return { id: o.id, name: o.name, createdAt: o.created_at.toISOString() };
}
