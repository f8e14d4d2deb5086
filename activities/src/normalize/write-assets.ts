import { sql, type Transaction } from 'kysely';
import type { Database, TargetStatus } from '@logstag/store';
import { isRow, rowsOf, str } from './values';

interface HeartbeatBody {
  agentId: string;
  collectedAt: string;
  host: Record<string, unknown>;
  targets?: Array<{ targetId: string; engine: string; tags?: Record<string, string> }>;
}

/** Agents, hosts and the targets an agent declares, from its heartbeat. Upserts: a replayed heartbeat changes nothing newer. */
export async function writeHeartbeat(trx: Transaction<Database>, organizationId: string, body: HeartbeatBody): Promise<void> {
  const ts = new Date(body.collectedAt);
  const host = isRow(body.host) ? body.host : {};
  const hostname = str(host.hostname);
  const facts = JSON.stringify(host);
  const newer = sql<boolean>`excluded.last_heartbeat >= agents.last_heartbeat`;
  await trx
    .insertInto('agents')
    .values({ organization_id: organizationId, agent_id: body.agentId, hostname, version: str(host.agentVersion), first_seen: ts, last_heartbeat: ts, facts })
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
  if (hostname) {
    await trx
      .insertInto('hosts')
      .values({ organization_id: organizationId, hostname, agent_id: body.agentId, facts, last_seen: ts })
      .onConflict((oc) =>
        oc.columns(['organization_id', 'hostname']).doUpdateSet({
          agent_id: sql`case when excluded.last_seen >= hosts.last_seen then excluded.agent_id else hosts.agent_id end`,
          facts: sql`case when excluded.last_seen >= hosts.last_seen then excluded.facts else hosts.facts end`,
          last_seen: sql`greatest(hosts.last_seen, excluded.last_seen)`,
        }),
      )
      .execute();
  }
  for (const t of rowsOf(body.targets)) {
    const targetId = str(t.targetId);
    if (!targetId) continue;
    await trx
      .insertInto('targets')
      .values({ organization_id: organizationId, target_id: targetId, engine: str(t.engine) ?? 'unknown', agent_id: body.agentId, tags: JSON.stringify(isRow(t.tags) ? t.tags : {}) })
      .onConflict((oc) => oc.columns(['organization_id', 'target_id']).doUpdateSet({ engine: sql`excluded.engine`, agent_id: sql`excluded.agent_id`, tags: sql`excluded.tags` }))
      .execute();
  }
}

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

/** The target's engine, version, status and last payload per category. Only a newer payload moves status and errors. */
export async function writeTargetSeen(trx: Transaction<Database>, c: CollectionSeen): Promise<void> {
  const status: TargetStatus = c.failed ? 'failing' : 'ok';
  const newer = sql<boolean>`excluded.last_seen >= coalesce(targets.last_seen, '-infinity'::timestamptz)`;
  await trx
    .insertInto('targets')
    .values({
      organization_id: c.organizationId,
      target_id: c.targetId,
      engine: c.engine,
      agent_id: c.agentId,
      version: c.version,
      status,
      last_seen: c.ts,
      last_payloads: JSON.stringify({ [c.category]: c.ts.toISOString() }),
      last_errors: JSON.stringify(c.errors),
    })
    .onConflict((oc) =>
      oc.columns(['organization_id', 'target_id']).doUpdateSet({
        engine: sql`excluded.engine`,
        agent_id: sql`excluded.agent_id`,
        version: sql`coalesce(excluded.version, targets.version)`,
        status: sql`case when ${newer} then excluded.status else targets.status end`,
        last_errors: sql`case when ${newer} then excluded.last_errors else targets.last_errors end`,
        last_payloads: sql`case when coalesce((targets.last_payloads ->> ${c.category})::timestamptz, '-infinity'::timestamptz) < ${c.ts}
          then targets.last_payloads || excluded.last_payloads else targets.last_payloads end`,
        last_seen: sql`greatest(targets.last_seen, excluded.last_seen)`,
      }),
    )
    .execute();
}
