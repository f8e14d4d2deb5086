// A heartbeat as an agent sends it (agent/src/output/envelope.ts), for the ingest tests and the ingest fuzzer.
import { v7 as uuidv7 } from 'uuid';
import { SCHEMA_VERSION, type PayloadInput } from '@logstag/schema';

export function heartbeatPayload(overrides: Record<string, unknown> = {}): PayloadInput & { id: string } {
  return {
    id: uuidv7(),
    kind: 'heartbeat',
    agentId: 'agent-1',
    collectedAt: new Date().toISOString(),
    schemaVersion: SCHEMA_VERSION,
    host: {
      hostname: 'db-host-1',
      os: 'Linux 6.8',
      platform: 'linux',
      arch: 'x64',
      cpuCount: 2,
      loadAverage: [0.5, 0.4, 0.3],
      memoryTotalBytes: 8e9,
      memoryFreeBytes: 2e9,
      uptimeSeconds: 3600,
      agentVersion: '1.0.0',
      agentUptimeSeconds: 60,
      disks: [],
    },
    spool: { backlogPayloads: 0, backlogBytes: 0, droppedSinceLast: 0 },
    targets: [{ targetId: 'pg-main', engine: 'postgresql', tags: {} }],
    ...overrides,
  } as PayloadInput & { id: string };
}
