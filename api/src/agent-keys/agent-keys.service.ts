import type { Kysely } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { AgentKeyRow, Database } from '@logstag/store';
import { recordAuditEvent, type AuditContext } from '../audit';
import { ApiError } from '../http/api-error';
import { generateAgentKey } from './agent-key-format';
import { findAgentKey, insertAgentKey, revokeAgentKey, setAgentKeyExpiry } from '@logstag/store';
import type { AgentKey } from '@logstag/schema/api';

export function agentKeyStatus(k: AgentKeyRow, now = Date.now()): 'active' | 'revoked' | 'expired' {
  if (k.revoked_at) return 'revoked';
  if (k.expires_at && k.expires_at.getTime() <= now) return 'expired';
  return 'active';
}

/** A key as the API lists it: the prefix, never the key or its hash. */
export function agentKeyView(k: AgentKeyRow): AgentKey {
  return {
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    status: agentKeyStatus(k),
    createdAt: k.created_at.toISOString(),
    expiresAt: k.expires_at?.toISOString() ?? null,
    revokedAt: k.revoked_at?.toISOString() ?? null,
    lastUsedAt: k.last_used_at?.toISOString() ?? null,
    rotatedFromId: k.rotated_from_id,
  };
}
export type AgentKeyView = ReturnType<typeof agentKeyView>;

function summary(k: AgentKeyRow) {
  return { name: k.name, prefix: k.prefix, status: agentKeyStatus(k), expiresAt: k.expires_at?.toISOString() ?? null };
}

export function createAgentKeysService(db: Kysely<Database>) {
  return {
    /** The plain key is returned here once and never again. */
    async create(organizationId: string, input: { name: string; expiresAt?: Date | undefined }, createdBy: string | null, audit: AuditContext) {
      const generated = generateAgentKey();
      const row = await db.transaction().execute(async (trx) => {
        const created = await insertAgentKey(trx, {
          id: uuidv7(),
          organization_id: organizationId,
          name: input.name,
          prefix: generated.prefix,
          key_hash: generated.hash,
          created_by: createdBy,
          expires_at: input.expiresAt ?? null,
        });
        await recordAuditEvent(trx, { ...audit, action: 'agent_key.created', object: { type: 'agent_key', id: created.id }, after: summary(created) });
        return created;
      });
      return { agentKey: agentKeyView(row), key: generated.key };
    },

    /**
     * A new key with the same name; the old one keeps working for `overlapSeconds` (0 = stops now) so agents can be
     * given the new key without a gap in ingest.
     */
    async rotate(organizationId: string, id: string, overlapSeconds: number, createdBy: string | null, audit: AuditContext) {
      const generated = generateAgentKey();
      return db.transaction().execute(async (trx) => {
        const old = await findAgentKey(trx, organizationId, id);
        if (!old) throw new ApiError(404, 'not_found', 'agent key not found');
        if (agentKeyStatus(old) !== 'active') throw new ApiError(409, 'conflict', `the key is ${agentKeyStatus(old)}; create a new one instead`);
        const overlapEnd = new Date(Date.now() + overlapSeconds * 1000);
        const oldExpiry = old.expires_at && old.expires_at < overlapEnd ? old.expires_at : overlapEnd;
        await setAgentKeyExpiry(trx, organizationId, id, oldExpiry);
        const created = await insertAgentKey(trx, {
          id: uuidv7(),
          organization_id: organizationId,
          name: old.name,
          prefix: generated.prefix,
          key_hash: generated.hash,
          created_by: createdBy,
          expires_at: null,
          rotated_from_id: old.id,
        });
        await recordAuditEvent(trx, {
          ...audit,
          action: 'agent_key.rotated',
          object: { type: 'agent_key', id: old.id },
          before: summary(old),
          after: { ...summary({ ...old, expires_at: oldExpiry }), replacedBy: { id: created.id, prefix: created.prefix } },
        });
        return { agentKey: agentKeyView(created), key: generated.key, previous: agentKeyView({ ...old, expires_at: oldExpiry }) };
      });
    },

    async revoke(organizationId: string, id: string, audit: AuditContext): Promise<AgentKeyView> {
      return db.transaction().execute(async (trx) => {
        const key = await findAgentKey(trx, organizationId, id);
        if (!key) throw new ApiError(404, 'not_found', 'agent key not found');
        if (key.revoked_at) return agentKeyView(key);
        await revokeAgentKey(trx, organizationId, id);
        const revoked = { ...key, revoked_at: new Date() };
        await recordAuditEvent(trx, { ...audit, action: 'agent_key.revoked', object: { type: 'agent_key', id }, before: summary(key), after: summary(revoked) });
        return agentKeyView(revoked);
      });
    },
  };
}
