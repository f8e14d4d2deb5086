import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, closeSync, constants, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Connection } from '@temporalio/client';
import { TemporalSetupError } from './errors';
import { portInUse } from './net';

export interface DevServerOptions {
  binary: string;
  ip?: string;
  port: number;
  /** Web UI port; `null` runs headless. */
  uiPort: number | null;
  dbFile: string;
  namespace: string;
  /** File the server's own log goes to (it is noisy at start). */
  logFile?: string;
  /** How long to wait for the frontend to answer. */
  startTimeoutMs?: number;
  /** SQLite tuning; WAL + synchronous=NORMAL measured faster (docs/benchmarks.md). */
  sqlitePragmas?: string[];
  /** Called with the PID as soon as the process is spawned, before it answers (the supervisor tracks a starting server). */
  onSpawn?: (pid: number) => void;
}

export interface DevServerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface DevServer {
  readonly address: string;
  readonly uiUrl: string | null;
  readonly pid: number;
  /** Resolves when the process has exited, for whatever reason (stop(), a crash, a kill from outside). */
  readonly exited: Promise<DevServerExit>;
  /** Stops the server by the PID we started: SIGTERM, then SIGKILL after a grace period. */
  stop(options?: { signal?: NodeJS.Signals; graceMs?: number }): Promise<void>;
}

export const DEFAULT_SQLITE_PRAGMAS = ['journal_mode=WAL', 'synchronous=NORMAL', 'busy_timeout=5000'];

function checkDataFolder(dbFile: string): void {
  const dir = dirname(resolve(dbFile));
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.R_OK | constants.W_OK | constants.X_OK);
    // The folder may be writable while the file itself is not (copied from another user). Never create the file
    // ourselves: the dev server only creates its schema when the file does not exist yet.
    if (existsSync(dbFile)) accessSync(dbFile, constants.R_OK | constants.W_OK);
  } catch (err) {
    throw new TemporalSetupError(
      `the Temporal data file ${dbFile} is not readable and writable (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); ` +
        'set LOGSTAG_DATA_DIR to a folder this user owns',
    );
  }
}

/** Resolves once the frontend answers a gRPC call and the namespace exists. */
async function waitForFrontend(address: string, namespace: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited: string | null = null;
  child.once('exit', (code, signal) => {
    exited = `exited with ${code ?? signal}`;
  });
  let lastError = '';
  while (Date.now() < deadline) {
    if (exited) throw new TemporalSetupError(`the Temporal dev server ${exited} before answering; see its log`);
    try {
      const conn = await Connection.connect({ address, connectTimeout: 1_000 });
      try {
        await conn.workflowService.describeNamespace({ namespace });
        return;
      } finally {
        await conn.close();
      }
    } catch (err) {
      lastError = (err as Error).message;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new TemporalSetupError(`the Temporal dev server did not answer on ${address} within ${timeoutMs / 1000}s (${lastError})`);
}

/**
 * On Linux, util-linux's setpriv asks the kernel to send the server SIGTERM when this process dies, whatever kills it
 * (SIGKILL or an OOM kill run no 'exit' handler, and an orphaned server would hold the port and the SQLite file
 * against the next start). setpriv execs the server, so the PID we get is the server's.
 */
function withParentDeathSignal(binary: string, args: string[]): [string, string[]] {
  const setpriv = process.platform === 'linux' && existsSync(binary) ? ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p)) : undefined;
  return setpriv ? [setpriv, ['--pdeathsig', 'SIGTERM', '--', binary, ...args]] : [binary, args];
}

export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const ip = options.ip ?? '127.0.0.1';
  for (const [what, p] of [
    ['Temporal frontend', options.port],
    ['Temporal Web UI', options.uiPort],
  ] as const) {
    if (p !== null && (await portInUse(p, ip))) {
      throw new TemporalSetupError(
        `port ${p} (${what}) on ${ip} is already in use. Stop what uses it, or choose another port with ` +
          `${what === 'Temporal frontend' ? 'TEMPORAL_PORT' : 'TEMPORAL_UI_PORT'}, or point Logstag at a running cluster with TEMPORAL_ADDRESS.`,
      );
    }
  }
  checkDataFolder(options.dbFile);
  const args = [
    'server', 'start-dev',
    '--ip', ip,
    '--port', String(options.port),
    '--db-filename', options.dbFile,
    '--namespace', options.namespace,
    '--log-level', 'warn',
    ...(options.uiPort === null ? ['--headless'] : ['--ui-port', String(options.uiPort)]),
    ...(options.sqlitePragmas ?? DEFAULT_SQLITE_PRAGMAS).flatMap((p) => ['--sqlite-pragma', p]),
  ];
  const out = options.logFile ? openSync(options.logFile, 'a') : 'ignore';
  // Its own process group: a Ctrl-C in the terminal reaches Logstag only, which stops the server itself once the worker
  // has drained; in our group the server would die first, and the supervisor would take that for a crash.
  const child = spawn(...withParentDeathSignal(options.binary, args), { stdio: ['ignore', out, out], detached: true });
  if (typeof out === 'number') closeSync(out);
  const exited = new Promise<DevServerExit>((resolveExit) => child.once('exit', (code, signal) => resolveExit({ code, signal })));
  if (child.pid !== undefined) options.onSpawn?.(child.pid);
  const spawnError = new Promise<never>((_, reject) =>
    child.once('error', (err) => reject(new TemporalSetupError(`could not run ${options.binary}: ${err.message}`))),
  );
  const address = `${ip}:${options.port}`;
  try {
    await Promise.race([waitForFrontend(address, options.namespace, child, options.startTimeoutMs ?? 60_000), spawnError]);
  } catch (err) {
    // Wait for the exit (when there is a process): a retry must not find the port and the SQLite file still held.
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
    throw err;
  }
  const pid = child.pid!;
  // A process that exits without stopping us (an uncaught error, process.exit) must not leave an orphaned server
  // holding the port and the SQLite file.
  const killOnExit = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  child.once('exit', () => process.removeListener('exit', killOnExit));
  let stopped: Promise<void> | null = null;
  return {
    address,
    uiUrl: options.uiPort === null ? null : `http://${ip}:${options.uiPort}`,
    pid,
    exited,
    stop({ signal = 'SIGTERM', graceMs = 10_000 } = {}) {
      stopped ??= new Promise<void>((resolveStop) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolveStop();
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        child.once('exit', () => {
          clearTimeout(timer);
          resolveStop();
        });
        child.kill(signal);
      });
      return stopped;
    },
  };
}
