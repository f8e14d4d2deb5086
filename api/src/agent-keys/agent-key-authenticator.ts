import type { Kysely } from 'kysely';
import type { AgentKeyRow, Database } from '@logstag/store';
import { equalInConstantTime } from '../auth/tokens';
import { ApiError } from '../http/api-error';
import type { AgentAuthenticator } from '../ingest/agent-auth';
import { agentKeyHash, agentKeyPrefixOf } from './agent-key-format';
import { findAgentKeyByPrefix } from '@logstag/store';
import { agentKeyStatus } from './agent-keys.service';
import { createKeyRateLimiter } from './key-rate-limiter';
import type { LastUsedRecorder } from './last-used-recorder';

export interface AgentKeyAuthenticatorDeps {
  db: Kysely<Database>;
  lastUsed: LastUsedRecorder;
  /** Reuse of a looked-up key row; a revocation is seen within this time. At most 1000 ms. */
  cacheMs: number;
  ratePerMinute: number;
}

const MAX_CACHE_ENTRIES = 10_000;

/**
 * Ingest's authenticator: `Authorization: Bearer lsk_…`. 401 when the key is missing, malformed or unknown; 403 when
 * it was revoked or has expired (rotation overlap over); 429 over the key's rate.
 */
export function createAgentKeyAuthenticator({ db, lastUsed, cacheMs, ratePerMinute }: AgentKeyAuthenticatorDeps): AgentAuthenticator {
  if (cacheMs > 1_000) throw new Error('agent key cache must not exceed 1000 ms: a revoked key has to stop within a second');
  const cache = new Map<string, { row: AgentKeyRow; at: number }>();
  const limiter = createKeyRateLimiter(ratePerMinute);

  async function rowFor(prefix: string): Promise<AgentKeyRow | undefined> {
    const hit = cache.get(prefix);
    if (hit && Date.now() - hit.at < cacheMs) return hit.row;
    const row = await findAgentKeyByPrefix(db, prefix);
    if (cache.size >= MAX_CACHE_ENTRIES) cache.clear();
    // Only known keys are cached, so junk prefixes cannot fill the map.
    if (row) cache.set(prefix, { row, at: Date.now() });
    else cache.delete(prefix);
    return row;
  }

  return async (req) => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1]) throw new ApiError(401, 'unauthenticated', 'send the agent API key as Authorization: Bearer lsk_…');
    const key = match[1];
    const prefix = agentKeyPrefixOf(key);
    const row = prefix ? await rowFor(prefix) : undefined;
    if (!row || !equalInConstantTime(agentKeyHash(key), row.key_hash)) throw new ApiError(401, 'unauthenticated', 'unknown agent API key');
    const status = agentKeyStatus(row);
    if (status !== 'active') throw new ApiError(403, 'forbidden', `agent API key ${row.prefix} is ${status}; give the agent an active key`);
    const waitMs = limiter.take(row.id);
    if (waitMs > 0) {
      req.res?.setHeader('retry-after', String(Math.ceil(waitMs / 1000)));
      throw new ApiError(429, 'rate_limited', `agent API key ${row.prefix} is over its rate of ${ratePerMinute} requests a minute`, {
        retryAfterSeconds: Math.ceil(waitMs / 1000),
      });
    }
    lastUsed.touch(row.id);
    return { organizationId: row.organization_id, keyId: row.id };
  };
}
