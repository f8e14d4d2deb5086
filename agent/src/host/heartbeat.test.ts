import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { heartbeatPayloadSchema } from '@logstag/schema/core';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load';
import { buildHeartbeat } from './heartbeat';

describe('heartbeat', () => {
  it('reports this host, the agent version, the watched targets and disk usage of existing data paths', async () => {
    const spoolDir = mkdtempSync(join(os.tmpdir(), 'logstag-hb-'));
    const config = parseConfig(
      `agent_id: hb-agent\nspool: { dir: ${spoolDir} }\ndata_paths: [/, /does/not/exist]\ntargets:\n  - { name: cache, engine: redis, host: h, tags: { env: prod } }\n`,
      'c.yaml',
      {},
    );
    const hb = await buildHeartbeat(config);
    const parsed = heartbeatPayloadSchema.parse(hb);
    expect(parsed.agentId).toBe('hb-agent');
    expect(parsed.host.hostname).toBe(os.hostname());
    expect(parsed.host.cpuCount).toBeGreaterThan(0);
    expect(parsed.host.memoryTotalBytes).toBe(os.totalmem());
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(parsed.host.agentVersion).toBe(pkg.version);
    expect(parsed.host.disks.map((d) => d.path)).toEqual(['/', spoolDir]);
    expect(parsed.host.disks[0]!.totalBytes).toBeGreaterThan(parsed.host.disks[0]!.freeBytes);
    expect(parsed.targets).toEqual([{ targetId: 'cache', engine: 'redis', tags: { env: 'prod' } }]);
    // A dry run has no spool: the heartbeat leaves the field out rather than claiming an empty one.
    expect(parsed.spool).toBeUndefined();
  });

  it('carries the spool stats it is given, and the schema still accepts a heartbeat from an agent without them', async () => {
    const config = parseConfig(`agent_id: hb-agent\ntargets:\n  - { name: cache, engine: redis, host: h }\n`, 'c.yaml', {});
    const spool = { backlogPayloads: 3, backlogBytes: 4096, droppedSinceLast: 2 };
    const hb = heartbeatPayloadSchema.parse(await buildHeartbeat(config, new Date(), spool));
    expect(hb.spool).toEqual(spool);
    const { spool: _omitted, ...older } = hb;
    expect(heartbeatPayloadSchema.safeParse(older).success).toBe(true);
    expect(heartbeatPayloadSchema.safeParse({ ...hb, spool: { ...spool, backlogPayloads: -1 } }).success).toBe(false);
  });
});
