import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database, OrganizationRow, UserRow } from '@logstag/store';
import { recordAuditEvent } from '../audit';
import { ApiError } from '../http/api-error';
import type { SecuritySettings } from '../http/security-config';
import { createOrganizationWithOwner } from '../organizations/organizations.service';
import { countUsers } from '@logstag/store';
import { claimSetupToken, insertSetupToken, lockFirstRun } from '@logstag/store';
import { randomToken, tokenHash } from './tokens';

export type FirstRunOutcome = { kind: 'ready' } | { kind: 'owner-created'; email: string } | { kind: 'setup-required'; token: string; expiresAt: Date };

/**
 * On a store with no users: creates the first organization and Account Owner from LOGSTAG_ADMIN_EMAIL /
 * LOGSTAG_ADMIN_PASSWORD, or else issues a one-time setup token (stored hashed) for POST /api/setup. The caller prints
 * the link to the console, never to the log.
 */
export async function prepareFirstRun(db: Kysely<Database>, security: SecuritySettings, logger: Logger): Promise<FirstRunOutcome> {
  return db.transaction().execute(async (trx): Promise<FirstRunOutcome> => {
    await lockFirstRun(trx);
    if ((await countUsers(trx)) > 0) return { kind: 'ready' };
    if (security.admin) {
      const { organization, owner } = await createOrganizationWithOwner(trx, {
        organizationName: security.admin.organizationName,
        email: security.admin.email,
        name: security.admin.email,
        password: security.admin.password,
      });
      await recordAuditEvent(trx, {
        organizationId: organization.id,
        actor: { userId: null, label: 'system (LOGSTAG_ADMIN_EMAIL)' },
        action: 'organization.created',
        object: { type: 'organization', id: organization.id },
        after: { name: organization.name, ownerEmail: owner.email },
      });
      logger.info({ email: owner.email, organizationId: organization.id }, 'first Account Owner created from LOGSTAG_ADMIN_EMAIL');
      return { kind: 'owner-created', email: owner.email };
    }
    const token = randomToken();
    const expiresAt = new Date(Date.now() + security.setupTokenTtlMs);
    await insertSetupToken(trx, tokenHash(token), expiresAt);
    return { kind: 'setup-required', token, expiresAt };
  });
}

export interface SetupInput {
  token: string;
  organizationName: string;
  email: string;
  name: string;
  password: string;
}

/** Uses a setup token: the first organization and its Account Owner. Refused once any user exists. */
export async function completeSetup(
  db: Kysely<Database>,
  input: SetupInput,
  client: { ip: string | null; userAgent: string | null },
): Promise<{ organization: OrganizationRow; owner: UserRow }> {
  return db.transaction().execute(async (trx) => {
    await lockFirstRun(trx);
    if ((await countUsers(trx)) > 0) throw new ApiError(409, 'conflict', 'setup is already complete; sign in instead');
    if (!(await claimSetupToken(trx, tokenHash(input.token)))) {
      throw new ApiError(404, 'not_found', 'unknown, used or expired setup link; restart the server to print a new one');
    }
    const created = await createOrganizationWithOwner(trx, input);
    await recordAuditEvent(trx, {
      organizationId: created.organization.id,
      actor: { userId: created.owner.id, label: created.owner.email },
      action: 'organization.created',
      object: { type: 'organization', id: created.organization.id },
      ip: client.ip,
      userAgent: client.userAgent,
      after: { name: created.organization.name, ownerEmail: created.owner.email },
    });
    return created;
  });
}
