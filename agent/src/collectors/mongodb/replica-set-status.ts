import type { Document } from 'mongodb';
import type { AreaContext, AreaResult } from './area';
import { isNotReplicaSet, runCommand } from './client';
import { asRecord, num, optimeSeconds, toPlain } from './plain';

/**
 * https://www.mongodb.com/docs/manual/reference/command/replSetGetStatus/
 * Members, their states and health, and each data-bearing member's lag: the primary's optime minus the member's
 * (arbiters have no optime). On a standalone the server answers NoReplicationEnabled, reported as `null`.
 */
export const replSetGetStatusCommand = Object.freeze({ replSetGetStatus: 1 });

export async function collectReplicaSetStatus(ctx: AreaContext): Promise<AreaResult> {
  let status: Document;
  try {
    status = await runCommand(ctx.admin, replSetGetStatusCommand, ctx.timeoutMs);
  } catch (error) {
    if (isNotReplicaSet(error)) return { data: { replica_set: null, replica_members: [] } };
    throw error;
  }
  return { data: replicaSetSections(status) };
}

export function replicaSetSections(status: Document): Record<string, unknown> {
  const members = (Array.isArray(status.members) ? status.members : []) as Document[];
  const primary = members.find((m) => num(m.state) === 1);
  const primaryOptime = primary ? optimeSeconds(primary.optime) : null;
  const self = members.find((m) => m.self === true);
  return {
    replica_set: {
      set: typeof status.set === 'string' ? status.set : null,
      myState: num(status.myState),
      term: num(status.term),
      primary: typeof primary?.name === 'string' ? primary.name : null,
      self: typeof self?.name === 'string' ? self.name : null,
      heartbeatIntervalMillis: num(status.heartbeatIntervalMillis),
      majorityVoteCount: num(status.majorityVoteCount),
      writeMajorityCount: num(status.writeMajorityCount),
      lastCommittedOpTime: toPlain(asRecord(asRecord(status.optimes).lastCommittedOpTime).ts ?? null),
    },
    replica_members: members.map((m) => {
      const optime = optimeSeconds(m.optime);
      return {
        id: num(m._id),
        name: typeof m.name === 'string' ? m.name : null,
        state: num(m.state),
        stateStr: typeof m.stateStr === 'string' ? m.stateStr : null,
        health: num(m.health),
        self: m.self === true,
        uptimeSeconds: num(m.uptime),
        optimeSeconds: optime,
        // Lag in whole seconds of optime: what rs.printSecondaryReplicationInfo() reports.
        lagSeconds: optime !== null && primaryOptime !== null ? primaryOptime - optime : null,
        pingMs: num(m.pingMs),
        syncSourceHost: typeof m.syncSourceHost === 'string' && m.syncSourceHost !== '' ? m.syncSourceHost : null,
        lastHeartbeatMessage: typeof m.lastHeartbeatMessage === 'string' && m.lastHeartbeatMessage !== '' ? m.lastHeartbeatMessage : null,
        configVersion: num(m.configVersion),
      };
    }),
  };
}
