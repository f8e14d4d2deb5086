import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** One registry per app instance, so tests that start several apps do not share counters. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'logstag_' });
  return {
    registry,
    httpDuration: new Histogram({
      name: 'logstag_http_request_duration_seconds',
      help: 'HTTP request duration by route and status',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    ingested: new Counter({
      name: 'logstag_ingest_payloads_total',
      help: 'Payloads answered by POST /v1/ingest, by outcome',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    batchSize: new Histogram({
      name: 'logstag_ingest_batch_size',
      help: 'Payload ids per started ingest workflow',
      buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500],
      registers: [registry],
    }),
    workflowStarts: new Counter({
      name: 'logstag_ingest_workflow_starts_total',
      help: 'Ingest workflow starts, by result (started, already_started, deferred)',
      labelNames: ['result'] as const,
      registers: [registry],
    }),
    claimChecks: new Counter({
      name: 'logstag_ingest_claim_checks_total',
      help: 'Ingest batches whose claim expired, by what Temporal said: running (left alone), released (its workflow ended without storing them), restarted (never started)',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    temporalRestarts: new Counter({
      name: 'logstag_temporal_dev_server_restarts_total',
      help: 'Restart attempts of the embedded Temporal dev server after it exited on its own, by result (started, failed)',
      labelNames: ['result'] as const,
      registers: [registry],
    }),
    workerRestarts: new Counter({
      name: 'logstag_temporal_worker_restarts_total',
      help: 'Restarts of the in-process Temporal worker after it stopped with an error',
      registers: [registry],
    }),
  };
}
export type Metrics = ReturnType<typeof createMetrics>;
