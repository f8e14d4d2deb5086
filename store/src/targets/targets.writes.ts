import { sql, type Transaction } from 'kysely';
import type { Database } from '../database';
import type { TargetStatus } from './targets.tables';

/** What one collection tells about its target (engine, version, status, the category's last payload). */
export interface CollectionSeen {
  organizationId: string;
  targetId: string;
  agentId: string;
  engine: string;
  category: string;
  ts: Date;
  version: string | null;
  errors: unknown[];
  /** The whole collection failed (target down, a required collector failed): the payload has no data. */
  failed: boolean;
}

export async function upsertAgent(
  trx: Transaction<Database>,
  organizationId: string,
  agentId: string,
  a: { hostname: string | null; version: string | null; facts: string; ts: Date },
): Promise<void> {
  const newer = sql<boolean>`excluded.last_heartbeat >= agents.last_heartbeat`;
  await trx
    .insertInto('agents')
    .values({ organization_id: organizationId, agent_id: agentId, hostname: a.hostname, version: a.version, first_seen: a.ts, last_heartbeat: a.ts, facts: a.facts })
    .onConflict((oc) =>
      oc.columns(['organization_id', 'agent_id']).doUpdateSet({
        hostname: sql`case when ${newer} then excluded.hostname else agents.hostname end`,
        version: sql`case when ${newer} then excluded.version else agents.version end`,
        facts: sql`case when ${newer} then excluded.facts else agents.facts end`,
        first_seen: sql`least(agents.first_seen, excluded.first_seen)`,
        last_heartbeat: sql`greatest(agents.last_heartbeat, excluded.last_heartbeat)`,
      }),
    )
    .execute();
}

export async function upsertHost(trx: Transaction<Database>, organizationId: string, hostname: string, h: { agentId: string; facts: string; ts: Date }): Promise<void> {
  await trx
    .insertInto('hosts')
    .values({ organization_id: organizationId, hostname, agent_id: h.agentId, facts: h.facts, last_seen: h.ts })
    .onConflict((oc) =>
      oc.columns(['organization_id', 'hostname']).doUpdateSet({
        agent_id: sql`case when excluded.last_seen >= hosts.last_seen then excluded.agent_id else hosts.agent_id end`,
        facts: sql`case when excluded.last_seen >= hosts.last_seen then excluded.facts else hosts.facts end`,
        last_seen: sql`greatest(hosts.last_seen, excluded.last_seen)`,
      }),
    )
    .execute();
}

export async function declareTarget(trx: Transaction<Database>, organizationId: string, targetId: string, t: { engine: string; agentId: string; tags: string }): Promise<void> {
  await trx
    .insertInto('targets')
    .values({ organization_id: organizationId, target_id: targetId, engine: t.engine, agent_id: t.agentId, tags: t.tags })
    .onConflict((oc) => oc.columns(['organization_id', 'target_id']).doUpdateSet({ engine: sql`excluded.engine`, agent_id: sql`excluded.agent_id`, tags: sql`excluded.tags` }))
    .execute();
}

export interface TargetSeenRow {
  organization_id: string;
  target_id: string;
  engine: string;
  agent_id: string;
  version: string | null;
  status: TargetStatus;
  last_seen: Date;
  last_payloads: string;
  last_errors: string;
}

/**
 * A target's collections of one batch as one row, equal in effect to upserting them one by one oldest first: the
 * newest gives engine, agent, status and errors (status and errors only if it is not older than the stored row), the
 * newest known version stays, and each category keeps its newest payload time.
 */
export function mergeSeen(list: CollectionSeen[]): TargetSeenRow {
  // Stable: collections of the same instant keep their order, as successive upserts would apply them.
  const sorted = [...list].sort((a, b) => a.ts.getTime() - b.ts.getTime());
  const last = sorted.at(-1)!;
  const lastPayloads: Record<string, string> = {};
  let version: string | null = null;
  for (const c of sorted) {
    lastPayloads[c.category] = c.ts.toISOString();
    version = c.version ?? version;
  }
  return {
    organization_id: last.organizationId,
    target_id: last.targetId,
    engine: last.engine,
    agent_id: last.agentId,
    version,
    status: last.failed ? 'failing' : 'ok',
    last_seen: last.ts,
    last_payloads: JSON.stringify(lastPayloads),
    last_errors: JSON.stringify(last.errors),
  };
}

/** Only a newer payload moves status and errors; a category's time only moves forward. */
export async function upsertTargetsSeen(trx: Transaction<Database>, rows: TargetSeenRow[]): Promise<void> {
  if (rows.length === 0) return;
  const newer = sql<boolean>`excluded.last_seen >= coalesce(targets.last_seen, '-infinity'::timestamptz)`;
  await trx
    .insertInto('targets')
    .values(rows)
    .onConflict((oc) =>
      oc.columns(['organization_id', 'target_id']).doUpdateSet({
        engine: sql`excluded.engine`,
        agent_id: sql`excluded.agent_id`,
        version: sql`coalesce(excluded.version, targets.version)`,
        status: sql`case when ${newer} then excluded.status else targets.status end`,
        last_errors: sql`case when ${newer} then excluded.last_errors else targets.last_errors end`,
        last_payloads: sql`targets.last_payloads || coalesce((
          select jsonb_object_agg(p.key, p.value) from jsonb_each_text(excluded.last_payloads) p
           where coalesce((targets.last_payloads ->> p.key)::timestamptz, '-infinity'::timestamptz) < p.value::timestamptz), '{}'::jsonb)`,
        last_seen: sql`greatest(targets.last_seen, excluded.last_seen)`,
      }),
    )
    .execute();
}
