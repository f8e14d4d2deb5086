import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import type { PayloadRow } from './payloads.tables';

const gunzipAsync = promisify(gunzip);
const gzipAsync = promisify(gzip);

/** The stored body of a payload as text, decompressed off the event loop. */
export async function readPayloadText(row: Pick<PayloadRow, 'body_raw' | 'body_encoding'>): Promise<string> {
  const raw = Buffer.from(row.body_raw.buffer, row.body_raw.byteOffset, row.body_raw.byteLength);
  return (row.body_encoding === 'gzip' ? await gunzipAsync(raw) : raw).toString('utf8');
}

/** The stored body of a payload as JSON, decompressed off the event loop. */
export async function readPayloadBody(row: Pick<PayloadRow, 'body_raw' | 'body_encoding'>): Promise<unknown> {
  const raw = Buffer.from(row.body_raw.buffer, row.body_raw.byteOffset, row.body_raw.byteLength);
  const text = row.body_encoding === 'gzip' ? await gunzipAsync(raw) : raw;
  return JSON.parse(text.toString('utf8'));
}

/** The columns that hold a payload's body, as ingest writes them. */
export type PayloadBodyColumns = Pick<PayloadRow, 'body_encoding' | 'body_bytes'> & { body_raw: Buffer };

/** A body to store from JSON written by the server itself (tests, tools): gzip like an agent's. */
export async function payloadBodyFromJson(value: unknown): Promise<PayloadBodyColumns> {
  const text = Buffer.from(JSON.stringify(value));
  return { body_raw: await gzipAsync(text), body_encoding: 'gzip', body_bytes: text.length };
}
