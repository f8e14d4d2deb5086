// Turns a generated ingest case into the request sent: the payload JSON, the batch lines, the compression, the headers.
import { deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { SCHEMA_VERSION } from '@logstag/schema';
import type { RawRequest } from './http-client';
import type { BodySpec, IngestCase, LineSpec, PayloadDoc, TimeSpec, Wire } from './ingest-cases';
import { renderJson } from './raw-json';
import { heartbeatPayload } from '../test/heartbeat-payload';

export interface IngestKeys {
  /** The agent API key of the organization whose payloads are checked. */
  own: string;
  /** A key of a second organization, for ids that another organization already used. */
  other: string;
}

export interface RenderedIngest {
  request: RawRequest;
  /** For a batch: the numbers of its non-blank lines, which a 202 must answer one by one, in order. */
  lineNumbers: number[] | null;
}

export function poolId(index: number): string {
  return `01900000-0000-7000-8000-${index.toString(16).padStart(12, '0')}`;
}

/** An ISO 8601 time `ms` after the epoch written in the zone `offset` (`Z`, `+05:30`, `-00:00`...). */
function isoAt(ms: number, offset: string): string {
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) return String(ms);
  if (offset === 'Z') return new Date(ms).toISOString();
  const m = /^([+-])(\d\d):(\d\d)$/.exec(offset);
  const minutes = m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
  return `${new Date(ms + minutes * 60_000).toISOString().slice(0, -1)}${offset}`;
}

function timeValue(t: TimeSpec, now: number): unknown {
  return 'literal' in t ? t.literal : isoAt(now + t.nowPlusMs, t.offset);
}

function basePayload(kind: PayloadDoc['kind'], id: unknown, collectedAt: unknown): Record<string, unknown> {
  if (kind === 'collection') return { id, kind, agentId: 'fuzz-agent', collectedAt, schemaVersion: SCHEMA_VERSION, targetId: 'pg-main', engine: 'postgresql', category: 'runtime', data: { connections: { total: 3, max: 100 } } };
  return heartbeatPayload({ id, agentId: 'fuzz-agent', collectedAt });
}

export function payloadValue(doc: PayloadDoc, now: number): Record<string, unknown> {
  const id = 'pool' in doc.id ? poolId(doc.id.pool) : 'fresh' in doc.id ? doc.id.fresh : doc.id.value;
  const value: Record<string, unknown> = { ...basePayload(doc.kind, id, timeValue(doc.collectedAt, now)) };
  for (const [k, v] of Object.entries(doc.set)) value[k] = v;
  for (const k of doc.drop) delete value[k];
  return value;
}

function lineBytes(line: LineSpec, now: number): Buffer {
  if ('doc' in line) return renderJson(payloadValue(line.doc, now));
  if ('truncate' in line) {
    const full = renderJson(payloadValue(line.truncate, now));
    return full.subarray(0, Math.min(full.length - 1, Math.floor(full.length * line.at)));
  }
  if ('text' in line) return renderJson(line.text);
  return Buffer.from(line.blank, 'utf8');
}

/** The last 12 hex digits of a UUID replaced by `n`: distinct ids for the lines of one batch. */
function nthId(base: string, n: number): string {
  return `${base.slice(0, 24)}${n.toString(16).padStart(12, '0')}`;
}

function hugeValue(spec: Extract<BodySpec, { huge: unknown }>, now: number): Buffer {
  const { bytes, unit, field } = spec.huge;
  const base = basePayload('collection', spec.id, isoAt(now, 'Z'));
  const unitBytes = Buffer.byteLength(JSON.stringify(unit)) - 2;
  const big = unit.repeat(Math.max(1, Math.floor((bytes - Buffer.byteLength(JSON.stringify(base))) / unitBytes)));
  if (field === 'data-value') base.data = { big };
  else if (field === 'data-key') base.data = { [big]: 1 };
  else if (field === 'agentId') base.agentId = big;
  else base.errors = [{ collector: 'fuzz', message: big }];
  return Buffer.from(JSON.stringify(base), 'utf8');
}

function bodyBytes(body: BodySpec, now: number): Buffer {
  if ('single' in body) return lineBytes(body.single, now);
  if ('batch' in body) {
    const eol = Buffer.from(body.eol);
    return Buffer.concat(body.batch.flatMap((l, i) => (i === 0 ? [lineBytes(l, now)] : [eol, lineBytes(l, now)])));
  }
  if ('huge' in body) return hugeValue(body, now);
  const { count, line, blankEvery, idBase } = body.many;
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    lines.push(line === 'object' ? '{}' : JSON.stringify(basePayload('collection', nthId(idBase, i), isoAt(now, 'Z'))));
    if (blankEvery > 0 && i % blankEvery === 0) lines.push('');
  }
  return Buffer.from(lines.join('\n'), 'utf8');
}

function wireBytes(wire: Wire, body: Buffer): Buffer {
  switch (wire) {
    case 'identity':
      return body;
    case 'gzip':
      return gzipSync(body);
    case 'deflate':
      return deflateSync(body);
    case 'deflate-raw':
      return deflateRawSync(body);
    case 'gzip-twice':
      return gzipSync(gzipSync(body));
    case 'gzip-truncated': {
      const gz = gzipSync(body);
      return gz.subarray(0, Math.max(1, Math.floor(gz.length * 0.6)));
    }
    case 'gzip-trailing-garbage':
      return Buffer.concat([gzipSync(body), Buffer.from('trailing garbage')]);
    case 'gzip-header-only':
      return gzipSync(body).subarray(0, 10);
  }
}

const LF = 0x0a;
const CR = 0x0d;

/** The 1-based numbers of the non-blank lines (only spaces, tabs and CR are blank), as the batch protocol counts them. */
export function nonBlankLineNumbers(body: Buffer): number[] {
  const numbers: number[] = [];
  let start = 0;
  for (let n = 1; start <= body.length; n++) {
    let end = body.indexOf(LF, start);
    if (end === -1) end = body.length;
    const line = body.subarray(start, end > start && body[end - 1] === CR ? end - 1 : end);
    if (line.some((b) => b !== 0x20 && b !== 0x09 && b !== CR)) numbers.push(n);
    start = end + 1;
  }
  return numbers;
}

export function renderIngest(c: IngestCase, keys: IngestKeys, now = Date.now()): RenderedIngest {
  const body = bodyBytes(c.body, now);
  const headers: Record<string, string> = {};
  if (c.auth === 'key') headers.authorization = `Bearer ${keys.own}`;
  else if (c.auth === 'other-org') headers.authorization = `Bearer ${keys.other}`;
  else if (c.auth === 'malformed') {
    headers.authorization = (c.malformedAuth ?? 'Bearer').replace('<5000 a>', 'a'.repeat(5000)).replace('<key>', keys.own);
  }
  if (c.contentType !== null) headers['content-type'] = c.contentType;
  if (c.contentEncoding !== null) headers['content-encoding'] = c.contentEncoding;
  const batch = c.contentType?.toLowerCase().startsWith('application/x-ndjson') ?? false;
  return { request: { method: 'POST', path: '/v1/ingest', headers, body: wireBytes(c.wire, body) }, lineNumbers: batch ? nonBlankLineNumbers(body) : null };
}
