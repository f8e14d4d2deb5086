import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

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

/** The store reads behind the payload gauges, each run when /metrics is scraped. */
export interface PayloadGaugeSources {
  failedByReason(): Promise<Partial<Record<'data_error' | 'retries_exhausted' | 'not_retryable', number>>>;
  stuckByStatus(): Promise<Partial<Record<'pending' | 'started', number>>>;
}

/**
 * Failed and stuck payloads, as gauges computed from the store when /metrics is scraped: failures happen in worker
 * processes (which serve no /metrics), and the store is what every API replica shares, so each replica reports the
 * same store-wide numbers (aggregate with max, not sum) and they survive restarts. A scrape while the store does not
 * answer leaves the series out rather than reporting stale numbers.
 */
export function registerPayloadGauges(metrics: Metrics, sources: PayloadGaugeSources): void {
  new Gauge({
    name: 'logstag_payloads_failed',
    help: 'Payloads in the failed state, by reason (data_error: the store refused the payload; retries_exhausted: its workflow ran out of attempts; not_retryable: a step failed for good)',
    labelNames: ['reason'] as const,
    registers: [metrics.registry],
    async collect() {
      const counts = await sources.failedByReason().catch(() => null);
      this.reset();
      if (!counts) return;
      for (const reason of ['data_error', 'retries_exhausted', 'not_retryable'] as const) this.set({ reason }, counts[reason] ?? 0);
    },
  });
  new Gauge({
    name: 'logstag_payloads_stuck',
    help: 'Payloads accepted longer ago than LOGSTAG_PAYLOAD_STUCK_MINUTES and still pending or started, by status',
    labelNames: ['status'] as const,
    registers: [metrics.registry],
    async collect() {
      const counts = await sources.stuckByStatus().catch(() => null);
      this.reset();
      if (!counts) return;
      for (const status of ['pending', 'started'] as const) this.set({ status }, counts[status] ?? 0);
    },
  });
}
