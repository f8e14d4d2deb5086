import http from 'node:http';
import https from 'node:https';
import { promisify } from 'node:util';
import { constants as zlibConstants, gzip as gzipCallback } from 'node:zlib';
import { INGEST_BATCH_CONTENT_TYPE, type IngestAccepted, type IngestBatchAccepted, type IngestBatchItem } from '@logstag/schema/core';
import { parseRetryAfter } from './retry-after';
import { RejectedPayloadError, RetryableSendError, UnauthorizedError } from './send-errors';

const gzip = promisify(gzipCallback);

export interface IngestClientOptions {
  serverUrl: string;
  apiKey: string;
  /** Per-request bound, so a server that accepts the connection and then hangs cannot hold a payload forever. */
  requestTimeoutMs?: number;
}

/**
 * zlib's level for what is sent now (a request body): 3 compresses the agent's JSON about twice as fast as the default
 * 6 for 14 % more bytes (the recorded payloads of api/test/fixtures as one batch: 6.6 against 13.3 ms of CPU per MB,
 * 15.7 against 13.8 % of the size), and every payload is compressed once a minute or more. The spool keeps the default:
 * what it holds waits on disk within a size cap, where bytes count more than the CPU spent once.
 */
const REQUEST_GZIP_LEVEL = 3;

/** A request body (or, with zlib's default level, a spool file): JSON text (or its UTF-8 bytes), gzip'd. */
export async function gzipJson(json: string | Buffer, level = REQUEST_GZIP_LEVEL): Promise<Buffer> {
  return gzip(typeof json === 'string' ? Buffer.from(json, 'utf8') : json, { level });
}

/** A spool file: the payload's JSON at zlib's default level. */
export async function gzipPayload(payload: unknown): Promise<Buffer> {
  return gzipJson(JSON.stringify(payload), zlibConstants.Z_DEFAULT_COMPRESSION);
}

const NEWLINE = Buffer.from('\n');

/** A batch body: the payloads' JSON (text or UTF-8 bytes), one per line, gzip'd as a whole (one gzip stream for all). */
export async function gzipBatch(lines: ReadonlyArray<string | Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for (const line of lines) {
    if (parts.length > 0) parts.push(NEWLINE);
    parts.push(typeof line === 'string' ? Buffer.from(line, 'utf8') : line);
  }
  return gzipJson(Buffer.concat(parts));
}

interface RawResponse {
  status: number;
  statusText: string;
  retryAfter: string | undefined;
  text: string;
}

/**
 * One attempt at `POST {server}/v1/ingest` with one gzip-compressed payload. Classifies the outcome so the caller
 * can decide: resolves on 2xx, throws RetryableSendError (network, 408, 429, 5xx; 401/403 as UnauthorizedError)
 * or RejectedPayloadError (any other 4xx).
 *
 * node:http rather than fetch: fetch loads undici and its WebAssembly HTTP parser on first use, about 20 MB of RSS
 * for the agent's lifetime, and costs two to three times the CPU per request (measured: 0.7–1.0 ms against
 * 0.2–0.3 ms). One keep-alive connection is reused between payloads, as fetch did.
 */
export class IngestClient {
  private readonly url: URL;
  private readonly timeoutMs: number;
  private readonly agent: http.Agent;

  constructor(private readonly options: IngestClientOptions) {
    this.url = new URL(`${options.serverUrl.replace(/\/+$/, '')}/v1/ingest`);
    this.timeoutMs = options.requestTimeoutMs ?? 30_000;
    const agentOptions = { keepAlive: true, maxSockets: 8, maxFreeSockets: 2 };
    this.agent = this.url.protocol === 'https:' ? new https.Agent(agentOptions) : new http.Agent(agentOptions);
  }

  async post(body: Buffer, signal?: AbortSignal): Promise<IngestAccepted | undefined> {
    return parseAccepted(await this.send(body, 'application/json', signal));
  }

  /**
   * One attempt at posting a batch (gzipBatch's body): resolves with the server's verdict per line, throws like post()
   * when the request as a whole failed. A server that takes no batches answers 415 (RejectedPayloadError).
   */
  async postBatch(body: Buffer, signal?: AbortSignal): Promise<IngestBatchItem[]> {
    const text = await this.send(body, INGEST_BATCH_CONTENT_TYPE, signal);
    let answer: Partial<IngestBatchAccepted>;
    try {
      answer = JSON.parse(text) as Partial<IngestBatchAccepted>;
    } catch {
      answer = {};
    }
    // A 2xx without results came from something in between, not from the ingest API: nothing is known to be stored.
    if (!Array.isArray(answer.results)) throw new RetryableSendError(`server answered a batch without results: ${text.slice(0, 200)}`);
    return answer.results;
  }

  /** The response body of a 2xx; anything else thrown as a classified error. */
  private async send(body: Buffer, contentType: string, signal?: AbortSignal): Promise<string> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    let response: RawResponse;
    try {
      response = await this.request(body, contentType, signal ? AbortSignal.any([signal, timeout]) : timeout);
    } catch (err) {
      // Our own shutdown is not a server problem: let the caller see the abort as it is.
      if (signal?.aborted) throw signal.reason;
      const { code, message } = err as { code?: string; message?: string };
      const reason = timeout.aborted ? `no answer within ${this.timeoutMs / 1000} s` : (code ?? message ?? String(err));
      throw new RetryableSendError(`cannot reach the server: ${reason}`);
    }

    const { status, text } = response;
    if (status >= 200 && status < 300) return text;
    const message = serverMessage(text) ?? response.statusText;
    if (status === 401 || status === 403) throw new UnauthorizedError(`server refused the API key (${status}): ${message}`, status);
    if (status === 408 || status === 429 || status >= 500) {
      throw new RetryableSendError(`server answered ${status}: ${message}`, status, parseRetryAfter(response.retryAfter ?? null));
    }
    throw new RejectedPayloadError(status, message);
  }

  /** Closes the idle keep-alive connection (the agent is stopping). */
  close(): void {
    this.agent.destroy();
  }

  private request(body: Buffer, contentType: string, signal: AbortSignal): Promise<RawResponse> {
    const send = this.url.protocol === 'https:' ? https.request : http.request;
    return new Promise((resolve, reject) => {
      const req = send(
        this.url,
        {
          method: 'POST',
          agent: this.agent,
          signal,
          headers: {
            authorization: `Bearer ${this.options.apiKey}`,
            'content-type': contentType,
            'content-encoding': 'gzip',
            'content-length': body.length,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          // A connection cut mid-body ends the response without 'end' (and, aborted by us, without 'error').
          res.on('close', () => {
            if (!res.complete) reject(new Error('the connection closed before the whole answer arrived'));
          });
          res.on('end', () => {
            const retryAfter = res.headers['retry-after'];
            resolve({
              status: res.statusCode ?? 0,
              statusText: res.statusMessage ?? '',
              retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter,
              text: Buffer.concat(chunks).toString('utf8'),
            });
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
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
