import { createAlertActivities } from './alerts';
import { activityDeps, type ActivityDepsInput } from './deps';
import { createDeliveryActivities } from './delivery/delivery.activities';
import { createE2eTestActivities } from './delivery/e2e-test.activities';
import { createHealthActivities } from './health';
import { createIngestActivities } from './ingest';
import { createRetentionActivities } from './retention';

export { PAYLOAD_NOT_FOUND, STORE_UNAVAILABLE, type StoreResult } from './ingest';
export { classifyStoreError, type ClassifiedStoreError, type StoreErrorKind } from './store-errors';
export { storableMessage, type FailedStep, type PayloadFailure } from '@logstag/store';
export * from './delivery/index';
export { composeReport, type ComposedReport, type HealthReportRequest, type HealthReportSummary, type ReportFinding, type ReportResult } from './health';
export { activityDeps, type ActivityConfig, type ActivityDeps, type ActivityDepsInput, type ActivityLogger, type HttpClient } from './deps';

/**
 * Every activity, with its dependencies injected. One factory file per area, each taking the deps it uses:
 * ingest.ts (storing payloads), alerts.ts (alert evaluation), retention.ts (partitions, rollups, expiry). Deliveries
 * (delivery.ts) and health reports (health-reports.ts) join the same way.
 */
export function createActivities(input: ActivityDepsInput) {
  const deps = activityDeps(input);
  return {
    ...createIngestActivities(deps),
    ...createAlertActivities(deps),
    ...createRetentionActivities(deps),
    ...createDeliveryActivities(deps),
    ...createE2eTestActivities(deps),
    ...createHealthActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
