import type { Kysely } from 'kysely';
import type { Database } from '@logstag/store';
import { agentViewSchema, hostViewSchema, pageOf, targetViewSchema, type AssetHealth } from '@logstag/schema/api';
import { decodeCursor, paginationQuery, toPage } from '../http/pagination';
import { STALE_AFTER_MS, targetView } from './databases.service';
import { listAgents, listHosts, listTargets } from '@logstag/store';
import type { ExplorerRegistry } from './registry';

/** An agent sends a heartbeat every minute: three missed ones and it is shown as offline. */
const AGENT_OFFLINE_AFTER_MS = 3 * 60_000;

const agentHealth = (lastHeard: Date): AssetHealth => (Date.now() - lastHeard.getTime() > AGENT_OFFLINE_AFTER_MS ? 'offline' : 'online');

export function assetsRoutes(r: ExplorerRegistry, db: Kysely<Database>): void {
  r.get({
    path: '/api/explorer/assets/hosts',
    tag: 'Assets',
    summary: 'Hosts running agents, with their facts and last seen',
    query: paginationQuery,
    response: pageOf(hostViewSchema),
    handle: async ({ organizationId, query }) => {
      const rows = await listHosts(db, organizationId, decodeCursor(query.cursor), query.limit + 1);
      return toPage(rows, query.limit, (h) => h.hostname, (h) => ({ hostname: h.hostname, agentId: h.agent_id, facts: h.facts, lastSeen: h.last_seen.toISOString(), health: agentHealth(h.last_seen) }));
    },
  });

  r.get({
    path: '/api/explorer/assets/agents',
    tag: 'Assets',
    summary: 'Agents with version, host, first seen, last heartbeat and health',
    query: paginationQuery,
    response: pageOf(agentViewSchema),
    handle: async ({ organizationId, query }) => {
      const rows = await listAgents(db, organizationId, decodeCursor(query.cursor), query.limit + 1);
      return toPage(rows, query.limit, (a) => a.agent_id, (a) => ({
        agentId: a.agent_id,
        hostname: a.hostname,
        version: a.version,
        firstSeen: a.first_seen.toISOString(),
        lastHeartbeat: a.last_heartbeat.toISOString(),
        health: agentHealth(a.last_heartbeat),
      }));
    },
  });

  r.get({
    path: '/api/explorer/assets/targets',
    tag: 'Assets',
    summary: `Targets with last seen and health (stale after ${STALE_AFTER_MS / 60_000} minutes without a payload)`,
    query: paginationQuery,
    response: pageOf(targetViewSchema),
    handle: async ({ organizationId, query }) => {
      const rows = await listTargets(db, organizationId, { afterTargetId: decodeCursor(query.cursor) }, query.limit + 1);
      return toPage(rows, query.limit, (t) => t.target_id, (t) => targetView(t));
    },
  });
}
