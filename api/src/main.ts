// `npm start`: the whole product on one machine — embedded Temporal dev server, PGlite store, worker, API and web.
// The process entry of the shell in ./server (LOGSTAG_ROLE picks what this process runs).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import pino from 'pino';
import type { RequestHandler } from 'express';
import { StoreError } from '@logstag/store';
import { installSdkLogging, TemporalSetupError, temporalSettingsFromEnv } from '@logstag/temporal';
import { ConfigError, serverConfigFromEnv } from './config';
import { firstRunLines } from './auth/first-run-message';
import { SecurityConfigError } from './http/security-config';
import { importWebHandler, startLogstag, startWorkerOnly, StartupError } from './server';

const logger = pino({ level: process.env.LOG_LEVEL || 'info', redact: ['*.password', '*.apiKey', '*.authorization'] });

async function loadWebHandler(): Promise<RequestHandler | undefined> {
  const handlerPath = resolve('web/build/handler.js');
  if (!existsSync(handlerPath)) {
    logger.warn('web/build is missing: serving the API only (run `npm run build -w @logstag/web`)');
    return undefined;
  }
  return importWebHandler(handlerPath);
}

function onSignals(stop: () => Promise<void>): void {
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    stop().then(
      () => process.exit(0),
      (err) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

/** all (default): everything in one process. api: HTTP without a worker. worker: a worker without HTTP. */
function roleFromEnv(env: NodeJS.ProcessEnv): 'all' | 'api' | 'worker' {
  const role = env.LOGSTAG_ROLE || 'all';
  if (role !== 'all' && role !== 'api' && role !== 'worker') throw new ConfigError(`LOGSTAG_ROLE must be all, api or worker, got "${role}"`);
  return role;
}

async function main(): Promise<void> {
  const config = serverConfigFromEnv(process.env);
  const role = roleFromEnv(process.env);
  const temporal = temporalSettingsFromEnv(process.env, config.dataDir, config.toolsDir);
  installSdkLogging(logger);
  if (role === 'worker') {
    const worker = await startWorkerOnly({ config, temporal, logger });
    process.stdout.write('Logstag worker is running\n');
    onSignals(() => worker.stop());
    return;
  }
  const webHandler = await loadWebHandler();
  const running = await startLogstag({ config, temporal, logger, runWorker: role === 'all', ...(webHandler ? { webHandler } : {}) });
  const lines = [
    `Logstag is running`,
    `  web + API:   ${running.url}`,
    `  readiness:   ${running.url}/readyz`,
    `  metrics:     ${running.url}/metrics`,
    `  Temporal:    ${running.temporalAddress}${running.temporalUiUrl ? ` (Web UI ${running.temporalUiUrl})` : ''}`,
    `  store:       ${running.store.kind === 'pglite' ? `PGlite in ${config.dataDir}/pglite` : 'PostgreSQL (DATABASE_URL)'}`,
  ];
  // The setup link is a secret: printed to the console once, never passed to the logger.
  lines.push(...firstRunLines(running.firstRun, running.url));
  process.stdout.write(`${lines.join('\n')}\n`);
  onSignals(() => running.stop());
}

main().catch((err: unknown) => {
  // Setup problems are the operator's to fix: one clear line, no stack trace.
  if (err instanceof StartupError || err instanceof TemporalSetupError || err instanceof ConfigError || err instanceof SecurityConfigError || err instanceof StoreError) {
    process.stderr.write(`logstag: ${err.message}\n`);
  } else {
    process.stderr.write(`logstag: failed to start: ${(err as Error).message}\n`);
    logger.debug({ err }, 'start-up failure');
  }
  process.exit(1);
});
