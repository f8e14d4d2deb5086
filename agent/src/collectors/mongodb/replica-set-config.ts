import type { Document } from 'mongodb';
import type { AreaContext, AreaResult } from './area';
import { isNotReplicaSet, runCommand } from './client';
import { asRecord, num, toPlain } from './plain';

/**
 * https://www.mongodb.com/docs/manual/reference/command/replSetGetConfig/
 * Members' votes, priorities, hidden/delayed flags and the set's settings. `slaveDelay` (≤ 4.4) and
 * `secondaryDelaySecs` (5.0+) are the same setting under two names.
 */
export const replSetGetConfigCommand = Object.freeze({ replSetGetConfig: 1 });

export async function collectReplicaSetConfig(ctx: AreaContext): Promise<AreaResult> {
  let reply: Document;
  try {
    reply = await runCommand(ctx.admin, replSetGetConfigCommand, ctx.timeoutMs);
  } catch (error) {
    if (isNotReplicaSet(error)) return { data: { replica_set_config: null } };
    throw error;
  }
  const config = asRecord(reply.config);
  const settings = asRecord(config.settings);
  return {
    data: {
      replica_set_config: {
        id: typeof config._id === 'string' ? config._id : null,
        version: num(config.version),
        protocolVersion: num(config.protocolVersion),
        writeConcernMajorityJournalDefault: config.writeConcernMajorityJournalDefault === true,
        members: (Array.isArray(config.members) ? (config.members as Document[]) : []).map((m) => ({
          id: num(m._id),
          host: typeof m.host === 'string' ? m.host : null,
          arbiterOnly: m.arbiterOnly === true,
          hidden: m.hidden === true,
          buildIndexes: m.buildIndexes !== false,
          priority: num(m.priority),
          votes: num(m.votes),
          secondaryDelaySecs: num(m.secondaryDelaySecs ?? m.slaveDelay),
          tags: toPlain(m.tags ?? {}),
        })),
        settings: {
          chainingAllowed: settings.chainingAllowed !== false,
          heartbeatIntervalMillis: num(settings.heartbeatIntervalMillis),
          heartbeatTimeoutSecs: num(settings.heartbeatTimeoutSecs),
          electionTimeoutMillis: num(settings.electionTimeoutMillis),
          catchUpTimeoutMillis: num(settings.catchUpTimeoutMillis),
          getLastErrorDefaults: toPlain(settings.getLastErrorDefaults ?? null),
        },
      },
    },
  };
}
