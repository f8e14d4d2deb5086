// The all-in-one process and API replicas (LOGSTAG_ROLE=all|api): Temporal (embedded and supervised, or a cluster),
// the store, the worker (all), the Schedules, the ingest dispatcher and the HTTP app, composed here and nowhere else.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Express, RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { Client } from '@temporalio/client';
import { ACTIVITY_CONCURRENCY, openStore, poolSizeFor, type Store } from '@logstag/store';
import {
  applyIntegrationE2eTestSchedule,
  connectClient,
  createScheduleService,
  ensureSchedules,
  healthReportSchedule,
  portInUse,
  restoreIntegrationE2eTestSchedules,
  runWorker,
  startEmbeddedTemporal,
  TemporalSetupError,
  type RestartBackoff,
  type SupervisedDevServer,
  type TemporalEndpoint,
  type TemporalSettings,
} from '@logstag/temporal';
import { createApp } from '../app';
import { createAgentKeyAuthenticator } from '../agent-keys/agent-key-authenticator';
import { createLastUsedRecorder, type LastUsedRecorder } from '../agent-keys/last-used-recorder';
import { prepareFirstRun, type FirstRunOutcome } from '../auth/setup.service';
import type { AgentAuthenticator } from '../ingest/agent-auth';
import { createMetrics } from '../metrics';
import type { ServerConfig } from '../config';
import { createIngestDispatcher, type IngestDispatcher } from './ingest-dispatcher';
import { deliveryDepsFromEnv } from '@logstag/temporal';
import { StartupError } from './startup-error';
import { withExpressOrigin } from './web-handler';

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
  /** The ingest dispatcher (claims committed payloads and starts their workflows). */
  dispatcher: IngestDispatcher;
  /** The embedded dev server under supervision (restarted when it dies); null with TEMPORAL_ADDRESS. */
  devServer: SupervisedDevServer | null;
  /** What start-up did about the first Account Owner; `setup-required` carries the one-time token to print. */
  firstRun: FirstRunOutcome;
  /** Batched last-used times of agent keys (flush() writes them now). */
  agentKeysLastUsed: LastUsedRecorder;
  stop(): Promise<void>;
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
      // Supervised: restarted on the same SQLite file when it dies; the client and worker reconnect on their own.
      const ds = await startEmbeddedTemporal(options.temporal, {
        dataDir: config.dataDir,
        logger,
        ...(options.restartBackoff ? { backoff: options.restartBackoff } : {}),
        onRestart: ({ result }) => metrics.temporalRestarts.inc({ result }),
      });
      devServer = ds;
      cleanups.push(() => ds.stop());
      endpoint = { address: ds.address, namespace: options.temporal.namespace };
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
    const delivery = deliveryDepsFromEnv(process.env, config.dataDir);

    // Every caller retries on its own terms (the dispatcher puts claims back, /readyz answers 503 and is asked again),
    // so the server's client has no gRPC-level retries that could outlive a call.
    const client = await connectClient(endpoint, { grpcRetries: false });
    cleanups.push(() => client.connection.close());
    await ensureSchedules(createScheduleService(client));
    await restoreIntegrationE2eTestSchedules(createScheduleService(client), store.db);

    if (options.runWorker ?? true) {
      const worker = await runWorker(endpoint, { db: store.db, temporal: () => client, delivery }, logger, {
        activityConcurrency,
        ...(options.restartBackoff ? { backoff: options.restartBackoff } : {}),
        onRestart: () => metrics.workerRestarts.inc(),
      });
      cleanups.push(() => worker.stop());
    }

    const dispatcher = createIngestDispatcher({
      db: store.db,
      temporal: () => client,
      logger,
      metrics,
      staleClaimMs: config.ingestClaimTimeoutMs,
      ...(config.ingestMaxBatch ? { maxBatch: config.ingestMaxBatch } : {}),
      ...(config.ingestMaxInFlight ? { maxInFlight: config.ingestMaxInFlight } : {}),
      ...(options.recoveryIntervalMs ? { recoveryIntervalMs: options.recoveryIntervalMs } : {}),
    });
    dispatcher.startRecoveryLoop();
    cleanups.push(async () => dispatcher.stopRecoveryLoop());

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
      dispatcher,
      metrics,
      logger,
      authenticateAgent,
      temporalDown: () => devServer?.downReason() ?? null,
      integrationSecrets: delivery.secrets,
      ...(delivery.ackLinks ? { ackLinks: delivery.ackLinks.links } : {}),
      healthSchedules: async (organizationId, targetId, frequency) => void (await createScheduleService(client).put(healthReportSchedule(organizationId, targetId, frequency))),
      integrationE2eSchedules: async (organizationId, settings) => void (await applyIntegrationE2eTestSchedule(createScheduleService(client), organizationId, settings)),
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
      dispatcher,
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
