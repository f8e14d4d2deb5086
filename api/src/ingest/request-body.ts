import { promisify } from 'node:util';
import { gunzip, gunzipSync, inflate, inflateSync, type ZlibOptions } from 'node:zlib';
import { MAX_BATCH_PAYLOADS, MAX_DECOMPRESSED_PAYLOAD_BYTES } from '@logstag/schema';
import type { PayloadBodyColumns } from '@logstag/store';
import { ApiError } from '../http/api-error';

const gunzipAsync = promisify(gunzip);
const inflateAsync = promisify(inflate);

/**
 * Compressed bodies up to this size are inflated on the event loop: most agent payloads are 0.3-10 KB of gzip, which
 * inflate in tens of microseconds, less than the hand-off to the zlib thread pool costs (measured 0.04 ms against
 * 0.06-0.07 ms of CPU per recorded payload). Larger ones go to the pool so they cannot stall other requests.
 */
const INLINE_INFLATE_MAX_BYTES = 16 * 1024;

type Inflater = (raw: Buffer, options: ZlibOptions) => Promise<Buffer>;
const inline = (fn: (raw: Buffer, options: ZlibOptions) => Buffer): Inflater => async (raw, options) => fn(raw, options);

/** The request body decoded for validation, and the columns to keep (the bytes as sent, when the agent gzip'd them). */
export interface IngestBody {
  json: Buffer;
  stored: PayloadBodyColumns;
}

/**
 * Decodes an ingest body by its Content-Encoding, in the zlib thread pool. `maxOutputLength` stops inflation at the
 * decompressed cap, so a decompression bomb costs at most that much memory and is answered 413.
 */
export async function decodeIngestBody(raw: Buffer, contentEncoding: string | undefined): Promise<IngestBody> {
  const encoding = (contentEncoding ?? 'identity').trim().toLowerCase();
  const tooLarge = () => new ApiError(413, 'payload_too_large', `the decompressed body exceeds ${MAX_DECOMPRESSED_PAYLOAD_BYTES} bytes`);
  const small = raw.length <= INLINE_INFLATE_MAX_BYTES;
  const decode = async (fn: Inflater): Promise<Buffer> => {
    try {
      return await fn(raw, { maxOutputLength: MAX_DECOMPRESSED_PAYLOAD_BYTES });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) throw tooLarge();
      throw new ApiError(400, 'bad_request', `the body is not valid ${encoding} data: ${(err as Error).message}`);
    }
  };
  if (encoding === 'gzip' || encoding === 'x-gzip') {
    const json = await decode(small ? inline(gunzipSync) : gunzipAsync);
    return { json, stored: { body_raw: raw, body_encoding: 'gzip', body_bytes: json.length } };
  }
  if (encoding === 'deflate') {
    const json = await decode(small ? inline(inflateSync) : inflateAsync);
    return { json, stored: { body_raw: json, body_encoding: 'identity', body_bytes: json.length } };
  }
  if (encoding === 'identity') {
    if (raw.length > MAX_DECOMPRESSED_PAYLOAD_BYTES) throw tooLarge();
    return { json: raw, stored: { body_raw: raw, body_encoding: 'identity', body_bytes: raw.length } };
  }
  throw new ApiError(415, 'unsupported_media_type', 'use Content-Encoding gzip, deflate or identity');
}

/** One non-blank line of a batch: its 1-based number (blank lines count) and its bytes, without the line break. */
export interface BatchLine {
  line: number;
  bytes: Buffer;
}

const LF = 0x0a;
const CR = 0x0d;

/** True when the bytes are only spaces, tabs and carriage returns. */
function isBlank(bytes: Buffer): boolean {
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b !== 0x20 && b !== 0x09 && b !== CR) return false;
  }
  return true;
}

/**
 * Splits a decoded batch (NDJSON) into its non-blank lines, on the bytes: a line break is LF, a CR before it is
 * dropped. Each line's bytes are a view of the body, not a copy. Refuses a batch with no line (400) or with more than
 * MAX_BATCH_PAYLOADS (413, before looking at the rest).
 */
export function splitBatchLines(body: Buffer): BatchLine[] {
  const lines: BatchLine[] = [];
  let start = 0;
  for (let n = 1; start <= body.length; n++) {
    let end = body.indexOf(LF, start);
    if (end === -1) end = body.length;
    const stop = end > start && body[end - 1] === CR ? end - 1 : end;
    const bytes = body.subarray(start, stop);
    start = end + 1;
    if (isBlank(bytes)) continue;
    if (lines.length === MAX_BATCH_PAYLOADS) throw new ApiError(413, 'payload_too_large', `a batch holds at most ${MAX_BATCH_PAYLOADS} payloads`);
    lines.push({ line: n, bytes });
  }
  if (lines.length === 0) throw new ApiError(400, 'bad_request', 'the batch holds no payload: send one JSON payload per line');
  return lines;
}
