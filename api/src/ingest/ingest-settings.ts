import { DEFAULT_MAX_COLLECTED_PAST_HOURS, MAX_COLLECTED_AHEAD_MS, MAX_PAYLOAD_DEPTH } from '@logstag/schema';

/** What the ingest door lets in (schema/src/payload-door.ts). */
export interface IngestDoorSettings {
  /** Oldest `collectedAt` accepted, back from now (`LOGSTAG_INGEST_MAX_PAST_HOURS`). */
  readonly maxPastMs: number;
  /** Latest `collectedAt` accepted, ahead of now. */
  readonly maxAheadMs: number;
  /** Deepest nesting of objects and arrays. */
  readonly maxDepth: number;
}

export function ingestDoorSettings(maxPastHours = DEFAULT_MAX_COLLECTED_PAST_HOURS): IngestDoorSettings {
  return Object.freeze({ maxPastMs: maxPastHours * 3_600_000, maxAheadMs: MAX_COLLECTED_AHEAD_MS, maxDepth: MAX_PAYLOAD_DEPTH });
}
