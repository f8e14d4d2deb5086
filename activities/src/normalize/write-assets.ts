import { sql, type Transaction } from 'kysely';
import { type Database, rowKey, sortedByKey, type TargetStatus } from '@logstag/store';
import { isRow, rowsOf, str } from './values';

type Write = (trx: Transaction<Database>) => Promise<void>;

interface HeartbeatBody {
  agentId: string;
  collectedAt: string;
  host: Record<string, unknown>;
  targets?: Array<{ targetId: string; engine: string; tags?: Record<string, string> }>;
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

/** Rows per INSERT of target rows (9 parameters each). */
const CHUNK = 1_000;

/**
 * Agents, hosts and targets of a batch: from heartbeats (an agent, its host, the targets it declares) and from every
 * collection (a target's engine, version, status and last payload per category). Upserts, so a replayed heartbeat or
 * collection changes nothing newer. Each table is written in one pass sorted by key (lock-order.ts); one key's writes
 * keep their collection order.
 */
export class AssetBatch {
  private readonly agents: Array<{ key: string; write: Write }> = [];
  private readonly hosts: Array<{ key: string; write: Write }> = [];
  /** By rowKey(organization, target): a heartbeat's declarations of the target, in collection order. */
  private readonly declared = new Map<string, Write[]>();
  /** By rowKey(organization, target): the target's collections, in collection order. */
  private readonly seen = new Map<string, CollectionSeen[]>();

  /** One heartbeat; call in collection order. */
  addHeartbeat(organizationId: string, body: HeartbeatBody): void {
    const ts = new Date(body.collectedAt);
    const host = isRow(body.host) ? body.host : {};
    const hostname = str(host.hostname);
    const facts = JSON.stringify(host);
    this.agents.push({ key: rowKey(organizationId, body.agentId), write: (trx) => upsertAgent(trx, organizationId, body.agentId, { hostname, version: str(host.agentVersion), facts, ts }) });
    if (hostname) this.hosts.push({ key: rowKey(organizationId, hostname), write: (trx) => upsertHost(trx, organizationId, hostname, { agentId: body.agentId, facts, ts }) });
    for (const t of rowsOf(body.targets)) {
      const targetId = str(t.targetId);
      if (!targetId) continue;
      const key = rowKey(organizationId, targetId);
      const writes = this.declared.get(key) ?? [];
      this.declared.set(key, writes);
      const declaration = { engine: str(t.engine) ?? 'unknown', agentId: body.agentId, tags: JSON.stringify(isRow(t.tags) ? t.tags : {}) };
      writes.push((trx) => declareTarget(trx, organizationId, targetId, declaration));
    }
  }

  /** One collection; call in collection order. */
  addCollection(c: CollectionSeen): void {
    const key = rowKey(c.organizationId, c.targetId);
    const list = this.seen.get(key) ?? [];
    this.seen.set(key, list);
    list.push(c);
  }

  async writeAgentsAndHosts(trx: Transaction<Database>): Promise<void> {
    for (const a of sortedByKey(this.agents)) await a.write(trx);
    for (const h of sortedByKey(this.hosts)) await h.write(trx);
  }

  /**
   * One pass over the batch's targets in key order. A target's collections become one upsert that leaves the row as
   * their upserts one by one would (mergeSeen), sent many targets to a statement; a target a heartbeat declared gets
   * its declarations first, then its collections, as statements of its own at its place in the order.
   */
  async writeTargets(trx: Transaction<Database>): Promise<void> {
    const keys = [...new Set([...this.declared.keys(), ...this.seen.keys()])].sort();
    let pending: TargetSeenRow[] = [];
    const flush = async () => {
      for (let i = 0; i < pending.length; i += CHUNK) await upsertTargetsSeen(trx, pending.slice(i, i + CHUNK));
      pending = [];
    };
    for (const key of keys) {
      const seen = this.seen.get(key);
      const declared = this.declared.get(key);
      if (!declared) {
        pending.push(mergeSeen(seen!));
        if (pending.length >= CHUNK) await flush();
        continue;
      }
      await flush();
      for (const write of declared) await write(trx);
      if (seen) await upsertTargetsSeen(trx, [mergeSeen(seen)]);
    }
    await flush();
  }
}

async function upsertAgent(
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

async function upsertHost(trx: Transaction<Database>, organizationId: string, hostname: string, h: { agentId: string; facts: string; ts: Date }): Promise<void> {
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

async function declareTarget(trx: Transaction<Database>, organizationId: string, targetId: string, t: { engine: string; agentId: string; tags: string }): Promise<void> {
  await trx
    .insertInto('targets')
    .values({ organization_id: organizationId, target_id: targetId, engine: t.engine, agent_id: t.agentId, tags: t.tags })
    .onConflict((oc) => oc.columns(['organization_id', 'target_id']).doUpdateSet({ engine: sql`excluded.engine`, agent_id: sql`excluded.agent_id`, tags: sql`excluded.tags` }))
    .execute();
}

interface TargetSeenRow {
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
async function upsertTargetsSeen(trx: Transaction<Database>, rows: TargetSeenRow[]): Promise<void> {
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
