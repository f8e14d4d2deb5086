// The API and the worker of the system under test, each a `node api/src/main.ts` process with its LOGSTAG_ROLE, as
// production runs them: they share the soak's PostgreSQL store and Temporal dev server.
import { join } from 'node:path';
import { killGrouped, spawnGrouped } from './grouped-child';
import { REPO_ROOT } from './snapshot';
import { errorLine, type ChildSpec, type RunningChild } from './supervised';

const READY_LINE = { api: 'Logstag is running', worker: 'Logstag worker is running' } as const;
const START_TIMEOUT_MS = 120_000;

export interface LogstagProcessOptions {
  role: 'api' | 'worker';
  logDir: string;
  /** The checkout whose api/src/main.ts runs (with its own node_modules); this one by default. */
  serverRoot?: string | undefined;
  /** DATABASE_URL, TEMPORAL_ADDRESS, PORT and whatever the soak sets for the system under test. */
  env: Record<string, string>;
}

async function startRole(options: LogstagProcessOptions): Promise<RunningChild> {
  const { role } = options;
  const logFile = join(options.logDir, `${role}.log`);
  const child = spawnGrouped(process.execPath, ['--import', 'tsx', 'api/src/main.ts'], {
    cwd: options.serverRoot ?? REPO_ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', ...options.env, LOGSTAG_ROLE: role },
    logFile,
  });
  await new Promise<void>((ready, fail) => {
    let seen = '';
    const timer = setTimeout(() => fail(new Error(`${role} not ready within ${START_TIMEOUT_MS / 1000} s; see ${logFile}`)), START_TIMEOUT_MS);
    child.onStdout((text) => {
      // The ready line may arrive split over chunks.
      seen = (seen + text).slice(-4096);
      if (seen.includes(READY_LINE[role])) {
        clearTimeout(timer);
        ready();
      }
    });
    void child.exited.then(() => {
      clearTimeout(timer);
      fail(new Error(`${role} exited during start-up (${errorLine(child.tail())}); see ${logFile}`));
    });
  }).catch(async (err: unknown) => {
    await killGrouped(child);
    throw err;
  });
  return child;
}

export function logstagProcessSpec(options: LogstagProcessOptions): ChildSpec {
  return { name: options.role, start: () => startRole(options), kill: killGrouped };
}
