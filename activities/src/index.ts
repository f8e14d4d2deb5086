import { createIngestActivities, type IngestDeps } from './ingest';
import { createRetentionActivities } from './retention';

export { PAYLOAD_NOT_FOUND, STORE_UNAVAILABLE, type StoreResult } from './ingest';
export { classifyStoreError, type ClassifiedStoreError, type StoreErrorKind } from './store-errors';
export { storableMessage, type FailedStep, type PayloadFailure } from './payload-failures';
export { DEFAULT_RETENTION, type RetentionPolicy } from './retention';
/** The series identity normalization writes (metric_points.labels_key), for readers that look a series up by its labels. */
export { labelsKey } from './normalize/values';

export type ActivityDeps = IngestDeps;

/** Every activity, with its database and HTTP clients injected (one factory per area). */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createIngestActivities(deps),
    ...createRetentionActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
