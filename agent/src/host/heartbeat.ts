import type { Payload, SpoolStats } from '@logstag/schema/core';
import type { AgentConfig } from '../config/types';
import { buildHeartbeatPayload } from '../output/envelope';
import { collectHostFacts } from './host-facts';

/**
 * The heartbeat: host facts plus the targets this agent watches, for the Assets view, and the server's sign that
 * the agent is alive even when every target is down. Disk usage covers the configured data paths and the spool;
 * `spool` (absent in a dry run, which has none) says how much is waiting to be sent and how much was lost.
 */
export async function buildHeartbeat(config: AgentConfig, now: Date = new Date(), spool?: SpoolStats): Promise<Payload> {
  const host = await collectHostFacts([...config.dataPaths, config.spool.dir]);
  return buildHeartbeatPayload({
    agentId: config.agentId,
    collectedAt: now,
    host,
    targets: config.targets.map((t) => ({ targetId: t.spec.name, engine: t.spec.engine, tags: { ...t.spec.tags } })),
    ...(spool ? { spool } : {}),
  });
}
