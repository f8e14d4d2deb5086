import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import type { IngestAccepted } from '@logstag/schema';
import { parseRetryAfter } from './retry-after';
import { RejectedPayloadError, RetryableSendError, UnauthorizedError } from './send-errors';

const gzip = promisify(gzipCallback);

export interface IngestClientOptions {
  serverUrl: string;
  apiKey: string;
  /** Per-request bound, so a server that accepts the connection and then hangs cannot hold a payload forever. */
  requestTimeoutMs?: number;
}

export async function gzipPayload(payload: unknown): Promise<Buffer> {
  return gzip(Buffer.from(JSON.stringify(payload), 'utf8'));
}

/**
 * One attempt at `POST {server}/v1/ingest` with one gzip-compressed payload. Classifies the outcome so the caller
 * can decide: resolves on 2xx, throws RetryableSendError (network, 408, 429, 5xx; 401/403 as UnauthorizedError)
 * or RejectedPayloadError (any other 4xx).
 */
export class IngestClient {
  private readonly url: string;
  private readonly timeoutMs: number;

  constructor(private readonly options: IngestClientOptions) {
    this.url = `${options.serverUrl.replace(/\/+$/, '')}/v1/ingest`;
    this.timeoutMs = options.requestTimeoutMs ?? 30_000;
  }

  async post(body: Buffer, signal?: AbortSignal): Promise<IngestAccepted | undefined> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    let response: Response;
    try {
      response = await fetch(this.url, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${this.options.apiKey}`,
          'content-type': 'application/json',
          'content-encoding': 'gzip',
        },
        body,
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (err) {
      // Our own shutdown is not a server problem: let the caller see the abort as it is.
      if (signal?.aborted) throw signal.reason;
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      throw new RetryableSendError(`cannot reach the server: ${cause?.code ?? cause?.message ?? (err as Error).message}`);
    }

    const text = await response.text().catch(() => '');
    if (response.ok) return parseAccepted(text);
    const message = serverMessage(text) ?? response.statusText;
    const status = response.status;
    if (status === 401 || status === 403) throw new UnauthorizedError(`server refused the API key (${status}): ${message}`, status);
    if (status === 408 || status === 429 || status >= 500) {
      throw new RetryableSendError(`server answered ${status}: ${message}`, status, parseRetryAfter(response.headers.get('retry-after')));
    }
    throw new RejectedPayloadError(status, message);
  }
}

function parseAccepted(text: string): IngestAccepted | undefined {
  try {
    const body = JSON.parse(text) as Partial<IngestAccepted>;
    return typeof body.id === 'string' && (body.status === 'accepted' || body.status === 'duplicate') ? { id: body.id, status: body.status } : undefined;
  } catch {
    return undefined;
  }
}

/** The API's error body is `{ error: { code, message } }`; anything else is shown as bounded raw text. */
function serverMessage(text: string): string | undefined {
  if (text === '') return undefined;
  try {
    const body = JSON.parse(text) as { error?: { code?: string; message?: string } };
    if (body.error?.message) return body.error.code ? `${body.error.code}: ${body.error.message}` : body.error.message;
  } catch {
    // not JSON: fall through
  }
  return text.slice(0, 500);
}
