import type { AreaContext, AreaResult } from './area';
import { runCommand } from './client';
import { asRecord, num, toPlain } from './plain';

/**
 * https://www.mongodb.com/docs/manual/reference/command/buildInfo/
 * https://www.mongodb.com/docs/manual/reference/command/hostInfo/
 * Version and build (the health report's version checks) and the host as the server sees it (memory limit of its
 * cgroup, cores, OS). buildInfo needs no privilege; hostInfo needs the `hostInfo` action (clusterMonitor).
 */
export const buildInfoCommand = Object.freeze({ buildInfo: 1 });
export const hostInfoCommand = Object.freeze({ hostInfo: 1 });

export async function collectBuildInfo(ctx: AreaContext): Promise<AreaResult> {
  const b = await runCommand(ctx.admin, buildInfoCommand, ctx.timeoutMs);
  const openssl = asRecord(b.openssl);
  const env = asRecord(b.buildEnvironment);
  return {
    data: {
      build_info: {
        version: typeof b.version === 'string' ? b.version : null,
        versionArray: toPlain(b.versionArray ?? null),
        gitVersion: typeof b.gitVersion === 'string' ? b.gitVersion : null,
        modules: toPlain(b.modules ?? []),
        allocator: typeof b.allocator === 'string' ? b.allocator : null,
        javascriptEngine: typeof b.javascriptEngine === 'string' ? b.javascriptEngine : null,
        openssl: typeof openssl.running === 'string' ? openssl.running : null,
        distmod: typeof env.distmod === 'string' ? env.distmod : null,
        targetArch: typeof env.target_arch === 'string' ? env.target_arch : null,
        bits: num(b.bits),
        debug: b.debug === true,
        storageEngines: toPlain(b.storageEngines ?? []),
      },
    },
  };
}

export async function collectHostInfo(ctx: AreaContext): Promise<AreaResult> {
  const h = await runCommand(ctx.admin, hostInfoCommand, ctx.timeoutMs);
  const system = asRecord(h.system);
  const os = asRecord(h.os);
  const extra = asRecord(h.extra);
  return {
    data: {
      host_info: {
        hostname: typeof system.hostname === 'string' ? system.hostname : null,
        memSizeMb: num(system.memSizeMB),
        memLimitMb: num(system.memLimitMB),
        numCores: num(system.numCores),
        numPhysicalCores: num(system.numPhysicalCores),
        cpuArch: typeof system.cpuArch === 'string' ? system.cpuArch : null,
        numaEnabled: system.numaEnabled === true,
        osType: typeof os.type === 'string' ? os.type : null,
        osName: typeof os.name === 'string' ? os.name : null,
        osVersion: typeof os.version === 'string' ? os.version : null,
        kernelVersion: typeof extra.kernelVersion === 'string' ? extra.kernelVersion : null,
        libcVersion: typeof extra.libcVersion === 'string' ? extra.libcVersion : null,
        pageSize: num(extra.pageSize),
        maxOpenFiles: num(extra.maxOpenFiles),
      },
    },
  };
}
