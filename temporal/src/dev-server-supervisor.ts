import { rmSync, writeFileSync } from 'node:fs';
import type { Logger } from 'pino';
import { createBackoff, type RestartBackoff } from './backoff';
import { startDevServer, type DevServer, type DevServerExit, type DevServerOptions } from './dev-server';

export { DEFAULT_RESTART_BACKOFF, type RestartBackoff } from './backoff';

/** up: answering; waiting: dead, a restart is scheduled; starting: spawned, not answering yet; stopped: by us. */
export type DevServerState = 'up' | 'waiting' | 'starting' | 'stopped';

export interface RestartEvent {
  /** 1 for the first restart attempt of this process's life. */
  attempt: number;
  result: 'started' | 'failed';
  error?: string;
}

export interface SupervisorOptions extends DevServerOptions {
  logger: Pick<Logger, 'info' | 'warn'>;
  backoff?: Partial<RestartBackoff>;
  /** Every restart attempt, for metrics. */
  onRestart?: (event: RestartEvent) => void;
  /** Written with the current server's PID whenever one is spawned (for operators and the soak's chaos loop). */
  pidFile?: string;
}

export interface SupervisedDevServer {
  readonly address: string;
  readonly uiUrl: string | null;
  /** The current process (starting or up); null between an exit and the next spawn, and after stop(). */
  readonly pid: number | null;
  readonly state: DevServerState;
  /** Restart attempts so far (failed ones included). */
  readonly restarts: number;
  /** Why the server is not answering, for /readyz; null while it is up. */
  downReason(): string | null;
  /** Resolves the next time a server answers (at once when one does); rejects after stop(). */
  whenUp(): Promise<void>;
  /** Ends supervision, then stops the server by its PID; nothing is restarted after this. */
  stop(options?: { signal?: NodeJS.Signals; graceMs?: number }): Promise<void>;
}

function describeExit({ code, signal }: DevServerExit): string {
  return signal ? `was killed by ${signal}` : `exited with code ${code}`;
}

/**
 * Starts the embedded dev server and keeps it running: when it exits without stop() (a crash, an OOM kill, kill -9),
 * it is started again with the same flags on the same SQLite file, so workflows and their history carry on, after a
 * wait that doubles from `initialMs` to `maxMs` and goes back to `initialMs` once a server has stayed up
 * `resetAfterMs`. A failed restart (the port still held, a crash during start) is one more attempt with a longer wait.
 * The first start is not retried: a problem then is the operator's to fix, and throws as startDevServer does.
 */
export async function superviseDevServer(options: SupervisorOptions): Promise<SupervisedDevServer> {
  const { logger, onRestart, pidFile, backoff: backoffOptions, ...serverOptions } = options;
  const backoff = createBackoff(backoffOptions);
  let pid: number | null = null;
  const spawnOptions: DevServerOptions = {
    ...serverOptions,
    onSpawn(spawned) {
      pid = spawned;
      try {
        if (pidFile) writeFileSync(pidFile, `${spawned}\n`);
      } catch (err) {
        logger.warn({ pidFile, err: (err as Error).message }, 'could not write the Temporal dev server PID file');
      }
      serverOptions.onSpawn?.(spawned);
    },
  };

  const first = await startDevServer(spawnOptions);
  let current: DevServer | null = first;
  let state: DevServerState = 'up';
  let upSince = Date.now();
  let restarts = 0;
  let reason = '';
  let nextAttemptAt = 0;
  let stopping = false;
  let upWaiters: Array<{ resolve: () => void; reject: (err: Error) => void }> = [];

  const settleWaiters = (err?: Error) => {
    const waiters = upWaiters;
    upWaiters = [];
    for (const w of waiters) {
      if (err) w.reject(err);
      else w.resolve();
    }
  };

  async function restartUntilUp(): Promise<DevServer | null> {
    for (;;) {
      restarts += 1;
      const attempt = restarts;
      state = 'waiting';
      nextAttemptAt = Date.now() + backoff.delayMs;
      logger.warn({ reason, attempt, delayMs: backoff.delayMs }, 'embedded Temporal dev server is down; restarting it');
      await backoff.wait();
      if (stopping) return null;
      state = 'starting';
      try {
        const server = await startDevServer(spawnOptions);
        onRestart?.({ attempt, result: 'started' });
        logger.info({ attempt, pid: server.pid, address: server.address }, 'embedded Temporal dev server restarted');
        return server;
      } catch (err) {
        pid = null;
        reason = `failed to restart: ${(err as Error).message}`;
        onRestart?.({ attempt, result: 'failed', error: (err as Error).message });
        if (stopping) return null;
      }
    }
  }

  async function supervise(): Promise<void> {
    while (current) {
      const exit = await current.exited;
      current = null;
      pid = null;
      if (stopping) return;
      reason = describeExit(exit);
      backoff.ended(upSince);
      const server = await restartUntilUp();
      if (!server) return;
      if (stopping) {
        await server.stop();
        return;
      }
      current = server;
      state = 'up';
      upSince = Date.now();
      settleWaiters();
    }
  }

  const supervision = supervise().catch((err: unknown) => {
    // Nothing above is expected to throw; if it does, say so instead of leaving a silent dead server.
    logger.warn({ err: (err as Error).message }, 'embedded Temporal dev server supervision ended');
  });

  return {
    address: first.address,
    uiUrl: first.uiUrl,
    get pid() {
      return pid;
    },
    get state() {
      return state;
    },
    get restarts() {
      return restarts;
    },
    downReason() {
      if (state === 'up') return null;
      if (state === 'stopped') return 'embedded Temporal dev server stopped';
      if (state === 'starting') return `embedded Temporal dev server ${reason}; restart ${restarts} is starting`;
      const inMs = Math.max(0, nextAttemptAt - Date.now());
      return `embedded Temporal dev server ${reason}; restart ${restarts} in ${(inMs / 1000).toFixed(1)} s`;
    },
    whenUp() {
      if (state === 'up') return Promise.resolve();
      if (state === 'stopped') return Promise.reject(new Error('the embedded Temporal dev server was stopped'));
      return new Promise<void>((resolve, reject) => upWaiters.push({ resolve, reject }));
    },
    async stop(stopOptions) {
      if (!stopping) {
        stopping = true;
        backoff.wake();
        // A server still starting would make us wait up to its start timeout: end it now, startDevServer then throws.
        if (state === 'starting' && pid !== null) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // already gone
          }
        }
      }
      const server = current;
      await server?.stop(stopOptions);
      await supervision;
      state = 'stopped';
      pid = null;
      if (pidFile) rmSync(pidFile, { force: true });
      settleWaiters(new Error('the embedded Temporal dev server was stopped'));
    },
  };
}
