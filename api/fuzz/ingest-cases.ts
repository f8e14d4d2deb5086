// Generated bad ingest requests, as plain data: what fast-check prints as the counterexample when a property fails.
// ingest-render.ts turns a case into the bytes and headers sent.
import fc from 'fast-check';
import { MAX_BATCH_PAYLOADS, MAX_COMPRESSED_PAYLOAD_BYTES, MAX_DECOMPRESSED_PAYLOAD_BYTES } from '@logstag/schema';
import { badUtf8String, longString, nastyJson, nastyString, numberLiteral, wrongValue } from './nasty-values';
import type { DeepToken, RawToken } from './raw-json';

/** `collectedAt`: relative to the moment of sending (with a zone offset), or a literal value of any type. */
export type TimeSpec = { nowPlusMs: number; offset: string } | { literal: unknown };

/** A payload built from a valid one: id, time, then fields replaced or removed. */
export interface PayloadDoc {
  kind: 'collection' | 'heartbeat';
  /** An index into a small pool of ids shared by every case (duplicates), a fresh UUIDv7, or any value. */
  id: { pool: number } | { fresh: string } | { value: unknown };
  collectedAt: TimeSpec;
  set: Record<string, unknown>;
  drop: string[];
}

export type LineSpec =
  | { doc: PayloadDoc }
  /** The payload's JSON cut after this fraction of its bytes. */
  | { truncate: PayloadDoc; at: number }
  /** Bytes that are not a payload at all. */
  | { text: RawToken }
  | { blank: string };

export type BodySpec =
  | { single: LineSpec }
  | { batch: LineSpec[]; eol: '\n' | '\r\n' }
  /** Many lines: `count` payloads (fresh ids from `idBase`, or `{}`), a blank line after every `blankEvery`th. */
  | { many: { count: number; line: 'payload' | 'object'; blankEvery: number; idBase: string } }
  /** One payload with a string of about `bytes` bytes (JSON) in the given field. */
  | { huge: { bytes: number; unit: string; field: 'data-value' | 'data-key' | 'agentId' | 'error-message' }; id: string };

/** Bytes on the wire: the body as rendered, compressed, broken after compression, or a second time. */
export type Wire = 'identity' | 'gzip' | 'deflate' | 'deflate-raw' | 'gzip-twice' | 'gzip-truncated' | 'gzip-trailing-garbage' | 'gzip-header-only';

export interface IngestCase {
  auth: 'key' | 'other-org' | 'none' | 'malformed';
  malformedAuth?: string;
  contentType: string | null;
  wire: Wire;
  contentEncoding: string | null;
  body: BodySpec;
}

/** Pool size for duplicate ids: small, so ids repeat across cases, within a batch, and across organizations. */
export const ID_POOL_SIZE = 8;

/** Timestamps at the edges: years 0000, 0001 and 9999, a leap second, impossible dates, numbers, offsets. */
export const ODD_TIMESTAMPS: readonly unknown[] = [
  '0000-01-01T00:00:00Z',
  '0001-01-01T00:00:00Z',
  '0001-01-01T00:00:00+14:00',
  '9999-12-31T23:59:59.999Z',
  '9999-12-31T23:59:59-12:00',
  '2016-12-31T23:59:60Z',
  '1969-12-31T23:59:59Z',
  '1970-01-01T00:00:00Z',
  '2038-01-19T03:14:08Z',
  '-000001-01-01T00:00:00Z',
  '+275760-09-13T00:00:00Z',
  '+275760-09-13T00:00:00.001Z',
  '2024-02-30T00:00:00Z',
  '2024-02-29T24:00:00Z',
  '2024-13-01T00:00:00Z',
  '2024-01-01T00:00:00+24:00',
  '2024-01-01T00:00:00+00:60',
  '2024-01-01T00:00:00.123456789123Z',
  '2024-01-01t00:00:00z',
  '2024-01-01 00:00:00Z',
  '2024-01-01T00:00:00',
  '2024-01-01',
  '20240101T000000Z',
  '',
  'now',
  0,
  -1,
  1e13,
  8.64e15 + 1,
  null,
  true,
  [],
  {},
];

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const timeSpec = (): fc.Arbitrary<TimeSpec> =>
  fc.oneof(
    // Around now, including just outside a 10-minute future window and well into the past.
    {
      weight: 3,
      arbitrary: fc.record({
        nowPlusMs: fc.oneof(
          fc.constantFrom(0, -1, 9 * 60_000, 10 * 60_000 + 1_000, -HOUR, -7 * DAY, -30 * DAY - 1, -400 * DAY, 365 * DAY, 100 * 365 * DAY),
          fc.integer({ min: -60 * DAY, max: DAY }),
        ),
        offset: fc.constantFrom('Z', 'Z', '+00:00', '+14:00', '-12:00', '+05:30', '-00:00'),
      }),
    },
    { weight: 2, arbitrary: fc.constantFrom(...ODD_TIMESTAMPS).map((literal) => ({ literal })) },
    { weight: 1, arbitrary: wrongValue().map((literal) => ({ literal })) },
  );

const COLLECTION_FIELDS = ['id', 'kind', 'agentId', 'targetId', 'engine', 'category', 'collectedAt', 'schemaVersion', 'data', 'errors', 'replayed'];
const HEARTBEAT_FIELDS = ['id', 'kind', 'agentId', 'collectedAt', 'schemaVersion', 'host', 'spool', 'targets', 'replayed'];

/** What to put in `data`, the free-form part a payload carries through validation into the pipeline. */
const dataValue = (): fc.Arbitrary<unknown> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.dictionary(nastyString(), nastyJson(), { maxKeys: 4 }) },
    { weight: 2, arbitrary: fc.record({ connections: fc.record({ total: fc.oneof(nastyString(), numberLiteral(), fc.integer()), max: fc.constant(100) }) }) },
    { weight: 1, arbitrary: fc.record({ s: badUtf8String() }) },
    { weight: 1, arbitrary: fc.record({ n: numberLiteral() }) },
    { weight: 1, arbitrary: fc.record({ long: longString() }) },
    {
      weight: 1,
      arbitrary: fc
        .record({ depth: fc.constantFrom(2, 32, 64, 100, 1_000, 10_000, 100_000), shape: fc.constantFrom<'array' | 'object'>('array', 'object') })
        .map((d): Record<string, DeepToken> => ({ deep: { $deep: d } })),
    },
    { weight: 1, arbitrary: wrongValue() },
  );

/** A field replaced: `data` most often (it passes the schema, so it reaches the store), any other field by a wrong value. */
const fieldChange = (kind: 'collection' | 'heartbeat'): fc.Arbitrary<[string, unknown]> =>
  fc.oneof(
    { weight: 4, arbitrary: dataValue().map((v): [string, unknown] => ['data', v]) },
    { weight: 2, arbitrary: fc.tuple(fc.constantFrom('agentId', 'targetId'), nastyString()) },
    { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...(kind === 'collection' ? COLLECTION_FIELDS : HEARTBEAT_FIELDS)), wrongValue()) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom('targetId', 'agentId'), badUtf8String()) },
    { weight: 1, arbitrary: fc.tuple(nastyString(), nastyJson()) },
  );

export const payloadDoc = (): fc.Arbitrary<PayloadDoc> =>
  fc.constantFrom<'collection' | 'heartbeat'>('collection', 'collection', 'collection', 'heartbeat').chain((kind) =>
    fc.record({
      kind: fc.constant(kind),
      id: fc.oneof(
        { weight: 5, arbitrary: fc.uuid({ version: 7 }).map((fresh) => ({ fresh })) },
        { weight: 2, arbitrary: fc.nat({ max: ID_POOL_SIZE - 1 }).map((pool) => ({ pool })) },
        { weight: 1, arbitrary: fc.oneof(fc.uuid({ version: 4 }), wrongValue()).map((value) => ({ value })) },
      ),
      collectedAt: fc.oneof({ weight: 3, arbitrary: fc.constant<TimeSpec>({ nowPlusMs: 0, offset: 'Z' }) }, { weight: 2, arbitrary: timeSpec() }),
      set: fc.array(fieldChange(kind), { maxLength: 3 }).map((pairs) => Object.fromEntries(pairs)),
      drop: fc.oneof(
        { weight: 6, arbitrary: fc.constant<string[]>([]) },
        { weight: 1, arbitrary: fc.subarray(kind === 'collection' ? COLLECTION_FIELDS : HEARTBEAT_FIELDS, { minLength: 1, maxLength: 2 }) },
      ),
    }),
  );

const lineSpec = (): fc.Arbitrary<LineSpec> =>
  fc.oneof(
    { weight: 6, arbitrary: payloadDoc().map((doc) => ({ doc })) },
    { weight: 1, arbitrary: fc.record({ truncate: payloadDoc(), at: fc.double({ min: 0, max: 1, noNaN: true }) }) },
    {
      weight: 1,
      arbitrary: fc
        .oneof(
          fc.constantFrom('{', '[', '"', 'null', 'true', '1', '[]', '{}', '{"kind":"collection"}', '{"id":', '{"a":1}{"b":2}', 'undefined', "{'a':1}"),
          nastyString(),
          fc.string({ unit: 'binary', maxLength: 200 }),
        )
        .chain((t) => fc.constantFrom<RawToken>({ $raw: [t] }, { $raw: [{ hex: 'efbbbf' }, t] }, { $raw: [t, { hex: 'ff00' }] }))
        .map((text): LineSpec => ({ text })),
    },
    { weight: 1, arbitrary: fc.constantFrom('', ' ', '\t', '\r', ' \t \r', '\u00a0', '\ufeff', '\u2028').map((blank) => ({ blank })) },
  );

const SINGLE_TYPES = ['application/json', 'application/json; charset=utf-8'];
const BATCH_TYPES = ['application/x-ndjson'];
const ODD_TYPES = [
  null,
  '',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'APPLICATION/JSON',
  'application/json;;;',
  'application/vnd.api+json',
  'application/ndjson',
  'application/jsonl',
  'application/x-ndjson; charset=utf-8',
  'application/json, application/x-ndjson',
  'text/plain',
  'text/json',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  '*/*',
  'application/*',
  'json',
];

const ENCODING_HEADERS: readonly (string | null)[] = [
  null,
  '',
  'identity',
  'gzip',
  'x-gzip',
  'GZIP',
  ' gzip ',
  'deflate',
  'br',
  'zstd',
  'compress',
  'gzip, gzip',
  'gzip, identity',
  'gzip;q=1',
  'identity, gzip',
];

const WIRES: readonly Wire[] = ['identity', 'gzip', 'deflate', 'deflate-raw', 'gzip-twice', 'gzip-truncated', 'gzip-trailing-garbage', 'gzip-header-only'];

/** Wire bytes and their header: mostly matching (so the body reaches the parser), sometimes any pair. */
const encoding = (): fc.Arbitrary<{ wire: Wire; contentEncoding: string | null }> =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom<{ wire: Wire; contentEncoding: string | null }>({ wire: 'identity', contentEncoding: null }, { wire: 'gzip', contentEncoding: 'gzip' }, { wire: 'deflate', contentEncoding: 'deflate' }) },
    { weight: 1, arbitrary: fc.record({ wire: fc.constantFrom(...WIRES), contentEncoding: fc.constantFrom(...ENCODING_HEADERS) }) },
  );

const SIZES = [100_000, 1_048_576, MAX_COMPRESSED_PAYLOAD_BYTES - 1_000, MAX_COMPRESSED_PAYLOAD_BYTES + 1, MAX_DECOMPRESSED_PAYLOAD_BYTES - 2_000, MAX_DECOMPRESSED_PAYLOAD_BYTES + 1];

const bodySpec = (batchWeight: number, largeWeight: number): fc.Arbitrary<BodySpec> =>
  fc.oneof(
    { weight: 100, arbitrary: lineSpec().map((single): BodySpec => ({ single })) },
    { weight: batchWeight, arbitrary: fc.record({ batch: fc.array(lineSpec(), { minLength: 0, maxLength: 12 }), eol: fc.constantFrom<'\n' | '\r\n'>('\n', '\r\n') }) },
    {
      weight: largeWeight,
      arbitrary: fc.record({
        many: fc.record({
          count: fc.constantFrom(MAX_BATCH_PAYLOADS - 1, MAX_BATCH_PAYLOADS, MAX_BATCH_PAYLOADS + 1, 5_000, 100_000),
          line: fc.constantFrom<'payload' | 'object'>('payload', 'object'),
          blankEvery: fc.constantFrom(0, 1, 7),
          idBase: fc.uuid({ version: 7 }),
        }),
      }),
    },
    {
      weight: largeWeight,
      arbitrary: fc.record({
        huge: fc.record({
          bytes: fc.constantFrom(...SIZES),
          unit: fc.constantFrom('x', '😀', '\u0000', 'ab'),
          field: fc.constantFrom<'data-value' | 'data-key' | 'agentId' | 'error-message'>('data-value', 'data-value', 'data-key', 'agentId', 'error-message'),
        }),
        id: fc.uuid({ version: 7 }),
      }),
    },
  );

export interface IngestCaseOptions {
  /** Weight (an integer) of each of the two kinds of large cases, many lines and huge strings (up to 32 MiB), against 140 for the small ones. */
  largeWeight?: number;
}

const authArb = (): fc.Arbitrary<Pick<IngestCase, 'auth' | 'malformedAuth'>> =>
  fc.oneof(
    { weight: 30, arbitrary: fc.constant({ auth: 'key' as const }) },
    { weight: 2, arbitrary: fc.constant({ auth: 'other-org' as const }) },
    { weight: 1, arbitrary: fc.constant({ auth: 'none' as const }) },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom('Bearer', 'Bearer ', 'Bearer lsk_', 'Bearer lsk_<5000 a>', 'Basic Zm9vOmJhcg==', 'Bearer a b', 'Bearer lsk_\u00ff\u00fe', 'bearer  <key>x')
        .map((malformedAuth) => ({ auth: 'malformed' as const, malformedAuth })),
    },
  );

export const ingestCase = ({ largeWeight = 5 }: IngestCaseOptions = {}): fc.Arbitrary<IngestCase> =>
  fc
    .tuple(bodySpec(40, largeWeight), authArb(), encoding())
    .chain(([body, auth, enc]) => {
      const batchy = 'batch' in body || 'many' in body;
      return fc
        .oneof({ weight: 5, arbitrary: fc.constantFrom(...(batchy ? BATCH_TYPES : SINGLE_TYPES)) }, { weight: 1, arbitrary: fc.constantFrom(...ODD_TYPES) })
        .map((contentType): IngestCase => ({ ...auth, contentType, ...enc, body }));
    });
