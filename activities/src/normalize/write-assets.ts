import type { Transaction } from 'kysely';
import {
  declareTarget,
  mergeSeen,
  rowKey,
  sortedByKey,
  upsertAgent,
  upsertHost,
  upsertTargetsSeen,
  type CollectionSeen,
  type Database,
  type TargetSeenRow,
} from '@logstag/store';
import { isRow, rowsOf, str } from './values';

export type { CollectionSeen } from '@logstag/store';

type Write = (trx: Transaction<Database>) => Promise<void>;

interface HeartbeatBody {
  agentId: string;
  collectedAt: string;
  host: Record<string, unknown>;
  targets?: Array<{ targetId: string; engine: string; tags?: Record<string, string> }>;
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
