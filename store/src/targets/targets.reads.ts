import type { Db } from '../db';
import type { TargetStatus } from './targets.tables';

export async function findTarget(db: Db, organizationId: string, targetId: string) {
  return db.selectFrom('targets').selectAll().where('organization_id', '=', organizationId).where('target_id', '=', targetId).executeTakeFirst();
}

export interface InventoryFilter {
  engine?: string | undefined;
  status?: string | undefined;
  afterTargetId?: string | undefined;
}

export async function listTargets(db: Db, organizationId: string, filter: InventoryFilter, limit: number) {
  let q = db.selectFrom('targets').selectAll().where('organization_id', '=', organizationId);
  if (filter.engine) q = q.where('engine', '=', filter.engine);
  if (filter.status) q = q.where('status', '=', filter.status as TargetStatus);
  if (filter.afterTargetId !== undefined) q = q.where('target_id', '>', filter.afterTargetId);
  return q.orderBy('target_id').limit(limit).execute();
}

/** Hosts running agents, by hostname after the cursor. */
export async function listHosts(db: Db, organizationId: string, afterHostname: string | undefined, limit: number) {
  let q = db.selectFrom('hosts').selectAll().where('organization_id', '=', organizationId);
  if (afterHostname !== undefined) q = q.where('hostname', '>', afterHostname);
  return q.orderBy('hostname').limit(limit).execute();
}

/** Agents, by id after the cursor. */
export async function listAgents(db: Db, organizationId: string, afterAgentId: string | undefined, limit: number) {
  let q = db.selectFrom('agents').selectAll().where('organization_id', '=', organizationId);
  if (afterAgentId !== undefined) q = q.where('agent_id', '>', afterAgentId);
  return q.orderBy('agent_id').limit(limit).execute();
}
