/** The one task queue Logstag's workers poll; workflows and activities share it. */
export const TASK_QUEUE = 'logstag';
export const DEFAULT_NAMESPACE = 'logstag';

/** The pinned Temporal CLI: its dev server embeds Temporal Server 1.29.1. Later CLI versions cannot be go-installed. */
export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal';
export const TEMPORAL_CLI_VERSION = 'v1.5.1';
export const TEMPORAL_SERVER_VERSION = '1.29.1';

/** Workflow ids carry meaning and make starts idempotent. */
export const workflowIds = {
  ingest: (payloadId: string) => `ingest:${payloadId}`,
  /** One dispatcher batch: a claim's fresh id, so a re-claim can never add payloads to a workflow that already runs. */
  ingestBatch: (batchId: string) => `ingest:${batchId}`,
} as const;
