import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { createActivities } from '@logstag/activities';
import type { Database } from '@logstag/store';
import { connectWorker, createWorker, type TemporalEndpoint } from '@logstag/temporal';

export interface RunningWorker {
  stop(): Promise<void>;
}

/**
 * Connects a worker with Logstag's activities over `db` and runs it, for the all-in-one server and the worker-only
 * process alike. stop() lets it finish its tasks and closes its connection.
 */
export async function runWorker(endpoint: TemporalEndpoint, db: Kysely<Database>, logger: Logger): Promise<RunningWorker> {
  const connection = await connectWorker(endpoint);
  const worker = await createWorker({ connection, namespace: endpoint.namespace, activities: createActivities({ db }) });
  const run = worker.run();
  run.catch((err) => logger.error({ err }, 'Temporal worker stopped with an error'));
  return {
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await run.catch(() => undefined);
      await connection.close();
    },
  };
}
