import {
  CATEGORIES,
  ENGINES,
  SCHEMA_VERSION,
  collectionDataSchema,
  collectionPayloadSchema,
  payloadSchema,
  type Category,
  type CollectorError,
  type Engine,
  type HostFacts,
  type Payload,
  type PayloadInput,
  type SpoolStats,
  withStorableText,
} from '@logstag/schema/core';
import { v7 as uuidv7 } from 'uuid';
import * as z from 'zod/mini';
import { acceptCheck, type AcceptCheck } from './accept-check';

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
 * In a payload's JSON, the escapes JSON.stringify writes for NUL and for a lone surrogate (a well-formed pair is written
 * as it is). Tested on the whole text, not string by string, behind a substring search that rules out almost every
 * payload: about 1 µs for a 14 KB payload against 20 µs for the regex alone and 180 µs for its JSON.stringify
 * (the recorded payloads of api/test/fixtures). A literal backslash-u in a string (`\\u0000`) matches too, and only
 * costs the walk that finds nothing to replace.
 */
const UNSTORABLE_ESCAPE = /\\u(?:0000|d[89a-f])/;
const mayHoldUnstorable = (json: string): boolean => json.includes('\\u') && UNSTORABLE_ESCAPE.test(json);

/**
 * Validates against the shared schema the server uses. Data sections must also survive JSON: a bigint or a cyclic
 * object from a driver would throw at send time, so it is caught here, where the collection can still report it.
 *
 * Strings the store cannot hold (NUL, lone UTF-16 surrogates: a Redis key, MySQL text, a query sample can carry them)
 * are replaced with U+FFFD, in values and keys, so the server does not refuse the whole payload for one of them.
 */
export function validatePayload(input: PayloadInput): Payload {
  const parsed = parseCollection(input) ?? payloadSchema.safeParse(input);
  if (!parsed.success) {
    throw new InvalidPayloadError(parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`));
  }
  let payload = parsed.data;
  let json: string;
  try {
    json = JSON.stringify(payload);
  } catch (err) {
    throw new InvalidPayloadError([`not serializable as JSON: ${(err as Error).message}`]);
  }
  if (mayHoldUnstorable(json)) {
    // Rebuilt from the JSON, which is what is sent (dates as strings, undefined dropped), then made storable.
    const sent = JSON.parse(json) as Payload;
    const storable = withStorableText(sent);
    if (storable !== sent) {
      payload = storable;
      json = JSON.stringify(payload);
    }
  }
  serialized.set(payload, json);
  return payload;
}

/** A collection payload's fields without the check of its sections, which `sectionChecks` does in place. */
const collectionEnvelopeSchema = z.object(collectionPayloadSchema.shape);

/**
 * The sections' schemas of each engine and category as in-place checks (accept-check.ts): zod's parse of the sections
 * builds a copy of every row only to throw it away (the payload keeps the collectors' objects), a fifth of what the
 * agent allocated. Built on first use; undefined where a schema holds something the check does not understand.
 */
const sectionChecks = new Map<string, AcceptCheck | undefined>();
function sectionCheck(engine: unknown, category: unknown): AcceptCheck | undefined {
  if (!(ENGINES as readonly unknown[]).includes(engine) || !(CATEGORIES as readonly unknown[]).includes(category)) return undefined;
  const key = `${engine as Engine}/${category as Category}`;
  if (!sectionChecks.has(key)) sectionChecks.set(key, acceptCheck(collectionDataSchema(engine as Engine, category as Category)));
  return sectionChecks.get(key);
}

/**
 * payloadSchema's verdict on a collection payload of the current version whose sections pass their in-place check:
 * the envelope parsed by zod (its output is what payloadSchema gives), the sections checked without a copy. Undefined
 * whenever that cannot tell (a section that does not pass, an envelope with issues, a version-1 or heartbeat payload):
 * then payloadSchema parses the whole payload, so what is refused, and the words it is refused with, stay zod's.
 */
function parseCollection(input: PayloadInput): ReturnType<typeof payloadSchema.safeParse> | undefined {
  if (input.kind !== 'collection' || input.schemaVersion === 1) return undefined;
  const check = sectionCheck(input.engine, input.category);
  if (!check || !check(input.data)) return undefined;
  const parsed = collectionEnvelopeSchema.safeParse(input);
  return parsed.success ? parsed : undefined;
}

/** Each validated payload's JSON, kept from its validation while the payload lives, so sending does not redo it. */
const serialized = new WeakMap<Payload, string>();

/** A payload's JSON: the text its validation produced, or a fresh serialization for one not built here. */
export function payloadJson(payload: Payload): string {
  return serialized.get(payload) ?? JSON.stringify(payload);
}
