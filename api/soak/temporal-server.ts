// The Temporal dev server of the soak: always the same port and SQLite file, so a server killed with SIGKILL comes
// back with every workflow it had, at the address the API and the worker already use.
import { join } from 'node:path';
import { startDevServer } from '@logstag/temporal';
import { testTemporalCli } from '@logstag/temporal/testing';
import type { ChildSpec, RunningChild } from './supervised';

export const SOAK_NAMESPACE = 'logstag';

export function temporalServerSpec(options: { port: number; dir: string; logDir: string }): ChildSpec & { address: string } {
  const start = async (): Promise<RunningChild> => {
    const server = await startDevServer({
      binary: testTemporalCli(),
      port: options.port,
      uiPort: null,
      dbFile: join(options.dir, 'temporal.db'),
      namespace: SOAK_NAMESPACE,
      logFile: join(options.logDir, 'temporal.log'),
    });
    return { pid: server.pid, exited: server.exited };
  };
  const kill = async (child: RunningChild) => {
    try {
      process.kill(child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
    await child.exited;
  };
  return { name: 'temporal', address: `127.0.0.1:${options.port}`, start, kill };
}
