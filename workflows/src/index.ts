export { ingestWorkflow, type IngestResult } from './ingest.workflow';
export { retentionWorkflow, type RetentionResult } from './retention.workflow';
export { deliveryWorkflow, type DeliveryOptions } from './delivery.workflow';
