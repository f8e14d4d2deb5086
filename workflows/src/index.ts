export { ingestWorkflow, type IngestResult } from './ingest.workflow';
