import type { Document } from 'mongodb';
import { shapeOfDocument } from '../../privacy/shape';
import type { AreaContext, AreaResult } from './area';
import { MONITOR_READ_PREFERENCE } from './client';
import { asRecord, num, toPlain } from './plain';
import type { MongodbRow } from './sections';

/**
 * https://www.mongodb.com/docs/manual/reference/operator/aggregation/currentOp/
 * `$currentOp` on admin (requires the `inprog` action, in clusterMonitor). Only active operations, the agent's own
 * excluded by the match on `appName` below; idle connections and idle sessions are not asked for.
 */
export const currentOpPipeline = Object.freeze([
  { $currentOp: { allUsers: true, idleConnections: false, idleCursors: false, idleSessions: false, localOps: false } },
  { $match: { active: true, appName: { $ne: 'logstag-agent' } } },
  { $limit: 500 },
]);

/** Envelope fields the driver adds to every command; they identify the session, not the query. */
const DRIVER_FIELDS = new Set(['lsid', '$clusterTime', '$db', '$readPreference', '$audit', 'txnNumber', 'autocommit', 'startTransaction', '$client']);

export async function collectCurrentOp(ctx: AreaContext): Promise<AreaResult> {
  const ops = await ctx.admin
    .aggregate(currentOpPipeline.map((s) => ({ ...s })), { maxTimeMS: ctx.timeoutMs, readPreference: MONITOR_READ_PREFERENCE })
    .toArray();
  const operations = ops.map(operationRow);
  return {
    data: {
      current_op: operations,
      lock_waits: operations.filter((op) => op.waitingForLock === true),
    },
  };
}

/** One operation with its command reduced to a shape: field names and operators stay, every value is '?'. */
export function operationRow(op: Document): MongodbRow<'current_op'> {
  const client = asRecord(op.clientMetadata);
  const driver = asRecord(client.driver);
  const latch = asRecord(op.waitingForLatch).captureName;
  return {
    opid: toPlain(op.opid),
    shard: typeof op.shard === 'string' ? op.shard : null,
    type: typeof op.type === 'string' ? op.type : null,
    desc: typeof op.desc === 'string' ? op.desc : null,
    connectionId: num(op.connectionId),
    client: typeof op.client === 'string' ? op.client : typeof op.client_s === 'string' ? op.client_s : null,
    appName: typeof op.appName === 'string' ? op.appName : null,
    driver: typeof driver.name === 'string' ? `${driver.name} ${typeof driver.version === 'string' ? driver.version : ''}`.trim() : null,
    users: Array.isArray(op.effectiveUsers) ? op.effectiveUsers.map((u: Document) => `${String(u.user)}@${String(u.db)}`) : [],
    active: op.active === true,
    op: typeof op.op === 'string' ? op.op : null,
    ns: typeof op.ns === 'string' ? op.ns : null,
    commandName: commandName(op.command),
    commandShape: commandShape(op.command),
    originatingCommandShape: op.originatingCommand ? commandShape(op.originatingCommand) : null,
    planSummary: typeof op.planSummary === 'string' ? op.planSummary : null,
    secsRunning: num(op.secs_running),
    microsecsRunning: num(op.microsecs_running),
    numYields: num(op.numYields),
    waitingForLock: op.waitingForLock === true,
    locks: toPlain(op.locks),
    waitingForFlowControl: op.waitingForFlowControl === true,
    waitingForLatch: typeof latch === 'string' ? latch : null,
  };
}

export function commandName(command: unknown): string | null {
  const first = Object.keys(asRecord(command))[0];
  return first ?? null;
}

/** The shape of a command or filter without the driver's session envelope. */
export function commandShape(command: unknown): unknown {
  const doc = asRecord(command);
  const kept = Object.fromEntries(Object.entries(doc).filter(([key]) => !DRIVER_FIELDS.has(key)));
  return shapeOfDocument(kept);
}
