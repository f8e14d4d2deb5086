import {
  SCHEMA_VERSION,
  payloadSchema,
  type Category,
  type CollectorError,
  type Engine,
  type HostFacts,
  type Payload,
  type PayloadInput,
  type SpoolStats,
} from '@logstag/schema';
import { v7 as uuidv7 } from 'uuid';

/** A payload that would not pass the server's validation: sending it could only earn a 400, so it never leaves. */
export class InvalidPayloadError extends Error {
  override readonly name = 'InvalidPayloadError';
  constructor(readonly issues: readonly string[]) {
    super(`payload does not match the schema: ${issues.slice(0, 5).join('; ')}`);
  }
}

export interface CollectionEnvelopeInput {
  agentId: string;
  targetId: string;
  engine: Engine;
  category: Category;
  collectedAt: Date;
  data: Record<string, unknown>;
  errors: CollectorError[];
}

/** A collection payload with a fresh uuid v7 id (time-ordered, so ids sort like collection times), validated. */
export function buildCollectionPayload(input: CollectionEnvelopeInput): Payload {
  return validatePayload({
    id: uuidv7(),
    agentId: input.agentId,
    kind: 'collection',
    targetId: input.targetId,
    engine: input.engine,
    category: input.category,
    collectedAt: input.collectedAt.toISOString(),
    schemaVersion: SCHEMA_VERSION,
    replayed: false,
    data: input.data,
    errors: input.errors,
  });
}

export interface HeartbeatEnvelopeInput {
  agentId: string;
  collectedAt: Date;
  host: HostFacts;
  targets: Array<{ targetId: string; engine: Engine; tags: Record<string, string> }>;
  spool?: SpoolStats;
}

export function buildHeartbeatPayload(input: HeartbeatEnvelopeInput): Payload {
  return validatePayload({
    id: uuidv7(),
    agentId: input.agentId,
    kind: 'heartbeat',
    collectedAt: input.collectedAt.toISOString(),
    schemaVersion: SCHEMA_VERSION,
    replayed: false,
    host: input.host,
    targets: input.targets,
    ...(input.spool ? { spool: input.spool } : {}),
  });
}

/**
 * Validates against the shared schema the server uses. Data sections must also survive JSON: a bigint or a cyclic
 * object from a driver would throw at send time, so it is caught here, where the collection can still report it.
 */
export function validatePayload(input: PayloadInput): Payload {
  const parsed = payloadSchema.safeParse(input);
  if (!parsed.success) {
    throw new InvalidPayloadError(parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`));
  }
  try {
    serialized.set(parsed.data, JSON.stringify(parsed.data));
  } catch (err) {
    throw new InvalidPayloadError([`not serializable as JSON: ${(err as Error).message}`]);
  }
  return parsed.data;
}

/** Each validated payload's JSON, kept from its validation while the payload lives, so sending does not redo it. */
const serialized = new WeakMap<Payload, string>();

/** A payload's JSON: the text its validation produced, or a fresh serialization for one not built here. */
export function payloadJson(payload: Payload): string {
  return serialized.get(payload) ?? JSON.stringify(payload);
}
