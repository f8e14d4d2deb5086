import type { Logger } from 'pino';
import type { Client } from '@temporalio/client';
import { ACTIVITY_CONCURRENCY, openStore, poolSizeFor } from '@logstag/store';
import { connectClient, runWorker, TemporalSetupError, type RunningWorker, type TemporalSettings } from '@logstag/temporal';
import type { ServerConfig } from '../config';
import { StartupError } from './startup-error';
import { deliveryDepsFromEnv } from '@logstag/temporal';

/**
 * A worker process and nothing else (LOGSTAG_ROLE=worker): more of them scale workflow and activity throughput while
 * API replicas (LOGSTAG_ROLE=api) take HTTP. It shares the store and the cluster with them, so both must be servers:
 * PGlite lives inside one process and the embedded Temporal dev server belongs to the process that started it.
 */
export async function startWorkerOnly(options: { config: ServerConfig; temporal: TemporalSettings; logger: Logger }): Promise<RunningWorker> {
  const { config, temporal, logger } = options;
  if (temporal.mode !== 'external') {
    throw new StartupError('LOGSTAG_ROLE=worker needs TEMPORAL_ADDRESS: a worker-only process joins a cluster, it does not start one');
  }
  if (!config.databaseUrl) {
    throw new StartupError('LOGSTAG_ROLE=worker needs DATABASE_URL: the embedded PGlite store cannot be shared between processes');
  }
  // One connection per activity, and two spare (no API here): an activity never waits for the pool.
  const activityConcurrency = config.workerConcurrency ?? ACTIVITY_CONCURRENCY.postgres;
  const store = await openStore({ databaseUrl: config.databaseUrl, poolSize: poolSizeFor(activityConcurrency, 2) });
  let client: Client | null = null;
  try {
    const { mode: _mode, ...endpoint } = temporal;
    if (!process.env.LOGSTAG_SECRET_KEY) {
      // A key file of this machine's own: integration secrets sealed by another process cannot be opened here.
      logger.warn({ dataDir: config.dataDir }, 'LOGSTAG_SECRET_KEY is unset: set the same key in every Logstag process, or deliveries fail on integrations another process saved');
    }
    // The activities' own client: evaluateAlerts signals alert workflows with it (without one, no alert ever opened
    // on a worker-only process: the activity retried 'no Temporal client' until it gave up).
    client = await connectClient(endpoint);
    const temporalClient = client;
    const worker = await runWorker(endpoint, { db: store.db, temporal: () => temporalClient, delivery: deliveryDepsFromEnv(process.env, config.dataDir) }, logger, { activityConcurrency });
    logger.info({ temporal: endpoint.address, namespace: endpoint.namespace }, 'worker running');
    return {
      async stop() {
        await worker.stop();
        await temporalClient.connection.close();
        await store.close();
      },
    };
  } catch (err) {
    await client?.connection.close();
    await store.close();
    if (err instanceof TemporalSetupError) throw new StartupError(err.message);
    throw err;
  }
}
