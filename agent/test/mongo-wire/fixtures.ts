import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Binary, EJSON, Timestamp, type Document } from 'bson';

/** The recorded real server responses, copied with their attribution (SOURCES.md) so a fresh clone needs nothing else. */
export const FIXTURE_DIR = fileURLToPath(new URL('../fixtures/mongodb/', import.meta.url));

/** How each file was written by its publisher (see the "JSON flavours" table in SOURCES.md). */
type Flavour = 'py-legacy' | 'ejson' | 'go-json';

const FLAVOURS: Record<string, Flavour> = {
  'buildInfo.4.4.json': 'ejson',
  'collStats.aggregate.standalone.7.0.json': 'ejson',
  'collStats.oplog.rs.replset-primary.4.2.8.ftdc.json': 'go-json',
  'connPoolStats.replset-primary.7.0.json': 'go-json',
  'currentOp.aggregate.mongos.json': 'ejson',
  'currentOp.aggregate.standalone.json': 'ejson',
  'dbStats.mongos.json': 'py-legacy',
  'dbStats.shard-member.json': 'py-legacy',
  'getCmdLineOpts.mongos.json': 'py-legacy',
  'getCmdLineOpts.replset-primary.json': 'py-legacy',
  'getCmdLineOpts.standalone.json': 'ejson',
  'getDiagnosticData.oplog-stats-only.6.0.json': 'ejson',
  'getDiagnosticData.replset-primary.4.2.8.json': 'go-json',
  'hostInfo.json': 'ejson',
  'indexStats.aggregate.shard.json': 'py-legacy',
  'indexStats.doc-compound.canonical.json': 'ejson',
  'indexStats.doc-id.canonical.json': 'ejson',
  'isMaster.replset-primary.4.2.json': 'py-legacy',
  'listIndexes.pymongo-index_information.json': 'ejson',
  'profile.level0.json': 'ejson',
  'profile.level1.json': 'ejson',
  'replSetGetConfig.replset.4.2.json': 'py-legacy',
  'replSetGetStatus.replset-primary.4.2.8.ftdc.json': 'go-json',
  'replSetGetStatus.replset-primary.4.2.json': 'py-legacy',
  'replSetGetStatus.replset-secondary.4.2.derived.json': 'py-legacy',
  'serverStatus.replset-primary.4.2.8.ftdc.json': 'go-json',
  'serverStatus.replset-primary.7.0.json': 'go-json',
  'system.profile.sample.json': 'ejson',
  'top.json': 'py-legacy',
};

/** The raw text, for tests that look for a recorded value verbatim. */
export function fixtureText(name: string): string {
  return readFileSync(FIXTURE_DIR + name, 'utf8');
}

/**
 * Loads a fixture into BSON-typed values so the server re-encodes what the recording holds: `$numberLong`, dates,
 * timestamps and ObjectIds keep their types. JSON parsing rounds integers above 2^53 (only the gossip `keyId`s and
 * cursor ids in these files, see SOURCES.md) and cannot tell `1.0` from `1`; both are the publishers' formats' limits.
 */
export function loadFixture<T = Document>(name: string): T {
  const flavour = FLAVOURS[name];
  if (!flavour) throw new Error(`no flavour recorded for fixture ${name}`);
  const text = fixtureText(name);
  if (flavour === 'go-json') return decodeGoGossip(JSON.parse(text)) as T;
  const parsed: unknown = JSON.parse(text);
  return fromExtendedJson(flavour === 'py-legacy' ? rewriteLegacyBinary(parsed) : parsed) as T;
}

/** Extended JSON type wrappers: an object whose only keys are one of these (plus its companion) is a BSON value. */
const TYPE_WRAPPERS = new Set([
  '$oid', '$date', '$numberInt', '$numberLong', '$numberDouble', '$numberDecimal', '$binary', '$timestamp',
  '$regularExpression', '$minKey', '$maxKey', '$symbol', '$code', '$undefined', '$dbPointer', '$uuid',
]);

/**
 * `EJSON.parse` on a whole document would read the query operator `{"$regex": "log"}` in a recorded command as a
 * legacy regular-expression literal and change what the server sends. Only genuine type wrappers are decoded here;
 * every other object, `$`-operators included, stays a document.
 */
function fromExtendedJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(fromExtendedJson);
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value);
    if (keys.length > 0 && keys.length <= 2 && TYPE_WRAPPERS.has(keys[0] ?? '')) {
      return (EJSON.deserialize({ v: value }, { relaxed: false }) as { v: unknown }).v;
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fromExtendedJson(v)]));
  }
  // Numbers as the canonical reader types them: 1 → Int32, 1.0 in the text is lost by JSON.parse, so integers that
  // were written as doubles come back as Int32 (a BSON number either way; the collector reads both alike).
  if (typeof value === 'number') return (EJSON.deserialize({ v: value }, { relaxed: false }) as { v: unknown }).v;
  return value;
}

/** pymongo's legacy `{"$binary": "<b64>", "$type": "00"}` is rejected by bson 6+; rewrite it to the v2 form. */
function rewriteLegacyBinary(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rewriteLegacyBinary);
  if (value === null || typeof value !== 'object') return value;
  const obj = value as Record<string, unknown>;
  if (typeof obj.$binary === 'string' && typeof obj.$type === 'string') {
    return { $binary: { base64: obj.$binary, subType: obj.$type } };
  }
  return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, rewriteLegacyBinary(v)]));
}

/**
 * Go's encoding/json turned the gossip fields into `{T, I}` and `{Subtype, Data}`. The driver compares `$clusterTime`
 * with `Timestamp.greaterThan`, so these two fields (and only these) are turned back into the BSON types they were
 * recorded as; every other value stays as the publisher wrote it.
 */
function decodeGoGossip(doc: Record<string, unknown>): Record<string, unknown> {
  const out = { ...doc };
  const asTimestamp = (v: unknown): unknown => {
    const t = v as { T?: unknown; I?: unknown } | null;
    return t && typeof t.T === 'number' && typeof t.I === 'number' ? new Timestamp({ t: t.T, i: t.I }) : v;
  };
  if ('operationTime' in out) out.operationTime = asTimestamp(out.operationTime);
  const gossip = out.$clusterTime as { clusterTime?: unknown; signature?: { hash?: unknown; keyId?: unknown } } | undefined;
  if (gossip) {
    const hash = gossip.signature?.hash as { Subtype?: number; Data?: string } | undefined;
    out.$clusterTime = {
      clusterTime: asTimestamp(gossip.clusterTime),
      signature: {
        hash: hash && typeof hash.Data === 'string' ? new Binary(Buffer.from(hash.Data, 'base64'), hash.Subtype ?? 0) : hash,
        keyId: gossip.signature?.keyId,
      },
    };
  }
  return out;
}
