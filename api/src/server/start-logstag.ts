import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Express, RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { Client } from '@temporalio/client';
import { ACTIVITY_CONCURRENCY, openStore, poolSizeFor, type Store } from '@logstag/store';
import {
  connectClient,
  ensureTemporalCli,
  portInUse,
  superviseDevServer,
  TemporalSetupError,
  type RestartBackoff,
  type SupervisedDevServer,
  type TemporalEndpoint,
  type TemporalSettings,
} from '@logstag/temporal';
import { createApp } from './app';
import { runWorker } from './run-worker';
import { ensureSchedules } from './schedules';
import { createAgentKeyAuthenticator } from './agent-keys/agent-key-authenticator';
import { createLastUsedRecorder, type LastUsedRecorder } from './agent-keys/last-used-recorder';
import { prepareFirstRun, type FirstRunOutcome } from './auth/setup.service';
import { clientAddressOf } from './auth/client-address';
import type { AgentAuthenticator } from './ingest/agent-auth';
import { createWorkflowStarter, type WorkflowStarter } from './ingest/workflow-starter';
import { createMetrics } from './metrics';
import type { ServerConfig } from './config';

export interface LogstagOptions {
  config: ServerConfig;
  temporal: TemporalSettings;
  logger: Logger;
  webHandler?: RequestHandler;
  authenticateAgent?: AgentAuthenticator;
  /** Run a worker in this process (the embedded default); false for API-only replicas. */
  runWorker?: boolean;
  recoveryIntervalMs?: number;
  /** Restart waits of the embedded dev server and of the worker (tests shorten them). */
  restartBackoff?: Partial<RestartBackoff>;
}

export interface RunningLogstag {
  url: string;
  /** The express application, for tests that walk its router stack (the isolation test). */
  express: Express;
  temporalAddress: string;
  temporalUiUrl: string | null;
  store: Store;
  client: Client;
  starter: WorkflowStarter;
  /** The embedded dev server under supervision (restarted when it dies); null with TEMPORAL_ADDRESS. */
  devServer: SupervisedDevServer | null;
  /** What start-up did about the first Account Owner; `setup-required` carries the one-time token to print. */
  firstRun: FirstRunOutcome;
  /** Batched last-used times of agent keys (flush() writes them now). */
  agentKeysLastUsed: LastUsedRecorder;
  stop(): Promise<void>;
}

export class StartupError extends Error {
  override name = 'StartupError';
}

/**
 * adapter-node reads the scheme and host of each request from the headers these name; it reads them once, when the
 * handler module is imported. Without them it takes every request for https, and SvelteKit's own CSRF check (a form
 * posted with an Origin other than the page's own answers 403) would refuse our forms on plain http.
 */
const WEB_ORIGIN_HEADERS = { PROTOCOL_HEADER: 'x-forwarded-proto', HOST_HEADER: 'x-forwarded-host', ADDRESS_HEADER: 'x-logstag-client-address' } as const;

/** Imports the built SvelteKit handler (web/build/handler.js) configured to take its origin from `withExpressOrigin`. */
export async function importWebHandler(handlerPath: string): Promise<RequestHandler> {
  Object.assign(process.env, WEB_ORIGIN_HEADERS);
  return ((await import(/* @vite-ignore */ pathToFileURL(handlerPath).href)) as { handler: RequestHandler }).handler;
}

/**
 * The web handler sees the origin and client express sees: `req.protocol`, `req.host` and the client address honour
 * X-Forwarded-* only from the proxies `trust proxy` names (app.ts, LOGSTAG_TRUST_PROXY), so a client's own
 * X-Forwarded-Proto/Host and address header are overwritten here, never believed.
 */
export function withExpressOrigin(handler: RequestHandler): RequestHandler {
  return (req, res, next) => {
    req.headers[WEB_ORIGIN_HEADERS.PROTOCOL_HEADER] = req.protocol;
    req.headers[WEB_ORIGIN_HEADERS.HOST_HEADER] = req.host;
    req.headers[WEB_ORIGIN_HEADERS.ADDRESS_HEADER] = clientAddressOf(req);
    return handler(req, res, next);
  };
}

/** Starts Temporal (embedded or external), the store, a worker and the HTTP server, in that order. */
export async function startLogstag(options: LogstagOptions): Promise<RunningLogstag> {
  const { config, logger } = options;
  const cleanups: Array<() => Promise<unknown>> = [];
  const stopAll = async () => {
    for (const c of cleanups.reverse()) await c().catch((err) => logger.warn({ err: (err as Error).message }, 'shutdown step failed'));
  };
  try {
    if (await portInUse(config.port, config.host)) {
      throw new StartupError(`port ${config.port} on ${config.host} is already in use. Stop what uses it or set PORT to another port.`);
    }
    const metrics = createMetrics();
    let devServer: SupervisedDevServer | null = null;
    let endpoint: TemporalEndpoint;
    if (options.temporal.mode === 'embedded') {
      const t = options.temporal;
      const binary = ensureTemporalCli(t.toolsDir, (msg) => logger.info(msg));
      // Supervised: restarted on the same SQLite file when it dies; the client and worker reconnect on their own.
      devServer = await superviseDevServer({
        binary,
        ip: t.ip,
        port: t.port,
        uiPort: t.uiPort,
        dbFile: t.dbFile,
        namespace: t.namespace,
        logFile: join(config.dataDir, 'temporal.log'),
        pidFile: join(config.dataDir, 'temporal.pid'),
        logger,
        ...(options.restartBackoff ? { backoff: options.restartBackoff } : {}),
        onRestart: ({ result }) => metrics.temporalRestarts.inc({ result }),
      });
      const ds = devServer;
      cleanups.push(() => ds.stop());
      endpoint = { address: devServer.address, namespace: t.namespace };
      logger.info({ address: devServer.address, pid: devServer.pid }, 'embedded Temporal dev server started');
    } else {
      const { mode: _mode, ...rest } = options.temporal;
      endpoint = rest;
    }

    // The pool has a connection for each of the worker's activities, plus headroom for the API's requests.
    const activityConcurrency = config.workerConcurrency ?? ACTIVITY_CONCURRENCY[config.databaseUrl ? 'postgres' : 'pglite'];
    const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: join(config.dataDir, 'pglite'), poolSize: poolSizeFor(activityConcurrency) });
    cleanups.push(() => store.close());
    logger.info({ kind: store.kind }, 'store ready');
    const firstRun = await prepareFirstRun(store.db, config.security, logger);

    // Every caller retries on its own terms (the dispatcher puts claims back, /readyz answers 503 and is asked again),
    // so the server's client has no gRPC-level retries that could outlive a call.
    const client = await connectClient(endpoint, { grpcRetries: false });
    cleanups.push(() => client.connection.close());
    await ensureSchedules(client);

    if (options.runWorker ?? true) {
      const worker = await runWorker(endpoint, store.db, logger, {
        activityConcurrency,
        ...(options.restartBackoff ? { backoff: options.restartBackoff } : {}),
        onRestart: () => metrics.workerRestarts.inc(),
      });
      cleanups.push(() => worker.stop());
    }

    const starter = createWorkflowStarter({
      db: store.db,
      temporal: () => client,
      logger,
      metrics,
      staleClaimMs: config.ingestClaimTimeoutMs,
      ...(config.ingestMaxBatch ? { maxBatch: config.ingestMaxBatch } : {}),
      ...(options.recoveryIntervalMs ? { recoveryIntervalMs: options.recoveryIntervalMs } : {}),
    });
    starter.startRecoveryLoop();
    cleanups.push(async () => starter.stopRecoveryLoop());

    const agentKeysLastUsed = createLastUsedRecorder(store.db, config.security.lastUsedFlushMs, logger);
    agentKeysLastUsed.start();
    cleanups.push(() => agentKeysLastUsed.stop());
    const authenticateAgent =
      options.authenticateAgent ??
      createAgentKeyAuthenticator({
        db: store.db,
        lastUsed: agentKeysLastUsed,
        cacheMs: config.security.agentKeyCacheMs,
        ratePerMinute: config.security.ingestRatePerMinute,
      });

    const app = createApp({
      store,
      temporal: () => client,
      namespace: endpoint.namespace,
      starter,
      metrics,
      logger,
      authenticateAgent,
      temporalDown: () => devServer?.downReason() ?? null,
      security: config.security,
      payloadStuckAfterMs: config.payloadStuckAfterMs,
      ingestDoor: config.ingestDoor,
      ...(options.webHandler ? { webHandler: withExpressOrigin(options.webHandler) } : {}),
    });
    const server: Server = createServer(app);
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) =>
        reject(err.code === 'EADDRINUSE' ? new StartupError(`port ${config.port} is already in use; set PORT to another port`) : err),
      );
      server.listen(config.port, config.host, resolve);
    });
    server.keepAliveTimeout = 65_000;
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));
    const addr = server.address() as AddressInfo;
    const url = `http://${config.host}:${addr.port}`;
    return {
      url,
      express: app,
      temporalAddress: endpoint.address,
      temporalUiUrl: devServer?.uiUrl ?? null,
      store,
      client,
      starter,
      devServer,
      firstRun,
      agentKeysLastUsed,
      // Stop accepting first, then the dispatcher and the worker, then Temporal and the store: reverse of start.
      stop: async () => {
        server.closeAllConnections();
        await stopAll();
      },
    };
  } catch (err) {
    await stopAll();
    if (err instanceof TemporalSetupError) throw new StartupError(err.message);
    throw err;
  }
}
