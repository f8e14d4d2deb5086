import { createIngestActivities, type IngestDeps } from './ingest';

export { PAYLOAD_NOT_FOUND } from './ingest';

export type ActivityDeps = IngestDeps;

/** Every activity, with its database and HTTP clients injected (one factory per area). */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createIngestActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
