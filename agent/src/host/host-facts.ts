import { readFileSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import os from 'node:os';
import type { HostFacts } from '@logstag/schema/core';
import { agentVersion } from './agent-version';

/**
 * Facts about the machine the agent runs on. `paths` are the data directories (and the spool) whose disk usage is
 * visible from here; one that does not exist or cannot be read is left out rather than failing the heartbeat.
 */
export async function collectHostFacts(paths: readonly string[]): Promise<HostFacts> {
  const disks = (await Promise.all([...new Set(paths)].map(diskUsage))).filter((d) => d !== undefined);
  return {
    hostname: os.hostname().slice(0, 255),
    os: osDescription().slice(0, 255),
    platform: process.platform,
    arch: process.arch,
    cpuCount: os.availableParallelism(),
    loadAverage: os.loadavg(),
    memoryTotalBytes: os.totalmem(),
    memoryFreeBytes: os.freemem(),
    uptimeSeconds: Math.round(os.uptime()),
    agentVersion: agentVersion(),
    agentUptimeSeconds: Math.round(process.uptime()),
    disks: disks.slice(0, 64),
  };
}

async function diskUsage(path: string): Promise<HostFacts['disks'][number] | undefined> {
  try {
    const s = await statfs(path);
    // bavail, not bfree: what a non-root process (the database) can still write.
    return { path, totalBytes: s.blocks * s.bsize, freeBytes: s.bavail * s.bsize };
  } catch {
    return undefined;
  }
}

/** "Debian GNU/Linux 12 (bookworm)" from os-release where there is one, else the kernel's name and release. */
function osDescription(): string {
  if (process.platform === 'linux') {
    try {
      const pretty = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(readFileSync('/etc/os-release', 'utf8'));
      if (pretty?.[1]) return `${pretty[1]} (${os.type()} ${os.release()})`;
    } catch {
      // no os-release: fall through
    }
  }
  return `${os.type()} ${os.release()}`;
}
