import { join } from 'node:path';
import type { Logger } from 'pino';
import { ensureTemporalCli } from './cli-binary';
import { superviseDevServer, type RestartBackoff, type RestartEvent, type SupervisedDevServer } from './dev-server-supervisor';
import type { TemporalSettings } from './settings';

export interface EmbeddedTemporalOptions {
  /** LOGSTAG_DATA_DIR: the server's log (temporal.log) and PID file (temporal.pid) go there, beside its SQLite file. */
  dataDir: string;
  logger: Pick<Logger, 'info' | 'warn'>;
  /** Restart waits (tests shorten them). */
  backoff?: Partial<RestartBackoff>;
  /** Every restart attempt, for metrics. */
  onRestart?: (event: RestartEvent) => void;
}

/**
 * The embedded Temporal of `npm start`: the pinned CLI (built on first use) runs the dev server on the settings' ports
 * and SQLite file, supervised, so it is restarted on the same file when it dies; the client and worker reconnect on
 * their own.
 */
export async function startEmbeddedTemporal(settings: Extract<TemporalSettings, { mode: 'embedded' }>, options: EmbeddedTemporalOptions): Promise<SupervisedDevServer> {
  const { dataDir, logger } = options;
  const binary = ensureTemporalCli(settings.toolsDir, (msg) => logger.info(msg));
  const server = await superviseDevServer({
    binary,
    ip: settings.ip,
    port: settings.port,
    uiPort: settings.uiPort,
    dbFile: settings.dbFile,
    namespace: settings.namespace,
    logFile: join(dataDir, 'temporal.log'),
    pidFile: join(dataDir, 'temporal.pid'),
    logger,
    ...(options.backoff ? { backoff: options.backoff } : {}),
    ...(options.onRestart ? { onRestart: options.onRestart } : {}),
  });
  logger.info({ address: server.address, pid: server.pid }, 'embedded Temporal dev server started');
  return server;
}
