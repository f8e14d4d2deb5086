import { promisify } from 'node:util';
import { gunzip, inflate } from 'node:zlib';
import { MAX_DECOMPRESSED_PAYLOAD_BYTES } from '@logstag/schema';
import type { PayloadBodyColumns } from '@logstag/store';
import { ApiError } from '../http/api-error';

const gunzipAsync = promisify(gunzip);
const inflateAsync = promisify(inflate);

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
  const decode = async (fn: typeof gunzipAsync): Promise<Buffer> => {
    try {
      return await fn(raw, { maxOutputLength: MAX_DECOMPRESSED_PAYLOAD_BYTES });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) throw tooLarge();
      throw new ApiError(400, 'bad_request', `the body is not valid ${encoding} data: ${(err as Error).message}`);
    }
  };
  if (encoding === 'gzip' || encoding === 'x-gzip') {
    const json = await decode(gunzipAsync);
    return { json, stored: { body_raw: raw, body_encoding: 'gzip', body_bytes: json.length } };
  }
  if (encoding === 'deflate') {
    const json = await decode(inflateAsync);
    return { json, stored: { body_raw: json, body_encoding: 'identity', body_bytes: json.length } };
  }
  if (encoding === 'identity') {
    if (raw.length > MAX_DECOMPRESSED_PAYLOAD_BYTES) throw tooLarge();
    return { json: raw, stored: { body_raw: raw, body_encoding: 'identity', body_bytes: raw.length } };
  }
  throw new ApiError(415, 'unsupported_media_type', 'use Content-Encoding gzip, deflate or identity');
}
