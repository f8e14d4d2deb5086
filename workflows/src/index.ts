export { ingestWorkflow, type IngestResult } from './ingest.workflow';
export { retentionWorkflow, type RetentionResult } from './retention.workflow';
export { deliveryWorkflow, type DeliveryOptions } from './delivery.workflow';
export { alertWorkflow, type AlertWorkflowInput, type AlertRunResult, type AlertState, type AlertLimits } from './alert.workflow';
export { alertAbsenceWorkflow } from './alert-absence.workflow';
export { healthReportWorkflow, type HealthReportInput, type HealthReportResult } from './health-report.workflow';
export { integrationE2eTestWorkflow, type IntegrationE2eTestInput, type IntegrationE2eTestResult } from './integration-e2e-test.workflow';
