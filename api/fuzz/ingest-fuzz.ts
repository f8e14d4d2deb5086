// The ingest fuzzer: generated bad requests to POST /v1/ingest over real HTTP, each answer checked on arrival; every
// line answered accepted is remembered for the drain check (drain.ts).
import fc from 'fast-check';
import { ERROR_CODES } from '@logstag/schema';
import { assertNoServerError, jsonOf, PropertyViolation } from './checks';
import type { ErrorLog } from './server-log';
import type { HttpClient, RawResponse } from './http-client';
import { ingestCase, type IngestCase } from './ingest-cases';
import { renderIngest, type IngestKeys, type RenderedIngest } from './ingest-render';

export interface IngestTally {
  cases: number;
  /** Answers by status code. */
  statuses: Record<string, number>;
  /** Batch lines by verdict. */
  lines: Record<string, number>;
  /** Error codes, of whole answers and of rejected lines. */
  errors: Record<string, number>;
  /** Ids answered accepted or duplicate (the latter exist too): each must end stored or failed. */
  accepted: Set<string>;
}

export function newIngestTally(): IngestTally {
  return { cases: 0, statuses: {}, lines: {}, errors: {}, accepted: new Set() };
}

const codes = new Set<string>(ERROR_CODES);
const isGzipHeader = (h: string | null) => h !== null && ['gzip', 'x-gzip'].includes(h.trim().toLowerCase());
const isIdentityHeader = (h: string | null) => h === null || ['', 'identity'].includes(h.trim().toLowerCase());

/** True when the server decodes exactly the bytes that were rendered, so its line numbers must match ours. */
function decodesAsRendered(c: IngestCase): boolean {
  return (c.wire === 'identity' && isIdentityHeader(c.contentEncoding)) || (c.wire === 'gzip' && isGzipHeader(c.contentEncoding)) || (c.wire === 'deflate' && c.contentEncoding?.trim().toLowerCase() === 'deflate');
}

function checkBatchAnswer(body: { results?: unknown }, c: IngestCase, rendered: RenderedIngest, tally: IngestTally): void {
  const results = body.results;
  if (!Array.isArray(results) || results.length === 0) throw new PropertyViolation(`a 202 batch answer without results: ${JSON.stringify(body).slice(0, 600)}`);
  let previous = 0;
  for (const item of results as Array<Record<string, unknown>>) {
    const { line, status, id, error } = item;
    if (typeof line !== 'number' || !Number.isInteger(line) || line <= previous) throw new PropertyViolation(`batch verdicts out of line order: ${JSON.stringify(item).slice(0, 300)}`);
    previous = line;
    tally.lines[String(status)] = (tally.lines[String(status)] ?? 0) + 1;
    if (status === 'accepted' || status === 'duplicate') {
      if (typeof id !== 'string') throw new PropertyViolation(`an ${status} line without its id: ${JSON.stringify(item).slice(0, 300)}`);
      tally.accepted.add(id);
    } else if (status === 'rejected') {
      const e = error as { code?: unknown; message?: unknown } | undefined;
      if (typeof e?.code !== 'string' || !codes.has(e.code) || typeof e.message !== 'string') {
        throw new PropertyViolation(`a rejected line without a documented error: ${JSON.stringify(item).slice(0, 300)}`);
      }
      tally.errors[e.code] = (tally.errors[e.code] ?? 0) + 1;
    } else throw new PropertyViolation(`a line with an unknown verdict: ${JSON.stringify(item).slice(0, 300)}`);
  }
  const lines = results.map((r: { line: number }) => r.line);
  if (decodesAsRendered(c) && rendered.lineNumbers && lines.join() !== rendered.lineNumbers.join()) {
    throw new PropertyViolation(`one verdict per non-blank line expected: lines ${rendered.lineNumbers.join(',').slice(0, 300)}, answered ${lines.join(',').slice(0, 300)}`);
  }
}

/** Checks one answer against the properties and records what it accepted. */
export function checkIngestAnswer(c: IngestCase, rendered: RenderedIngest, res: RawResponse, tally: IngestTally): void {
  tally.statuses[res.status] = (tally.statuses[res.status] ?? 0) + 1;
  assertNoServerError(res, 'POST', '/v1/ingest');
  if (res.status >= 400) {
    const code = (jsonOf(res) as { error: { code: string } }).error.code;
    tally.errors[code] = (tally.errors[code] ?? 0) + 1;
    return;
  }
  if (res.status !== 202) throw new PropertyViolation(`ingest answers 202 or an error, got ${res.status}`);
  const body = jsonOf(res) as Record<string, unknown>;
  if ('results' in body) return checkBatchAnswer(body, c, rendered, tally);
  if (typeof body.id !== 'string' || (body.status !== 'accepted' && body.status !== 'duplicate') || Object.keys(body).length !== 2) {
    throw new PropertyViolation(`a 202 that is neither { id, status } nor a batch answer: ${JSON.stringify(body).slice(0, 600)}`);
  }
  tally.accepted.add(body.id);
}

export interface IngestFuzzOptions {
  client: HttpClient;
  keys: IngestKeys;
  numRuns: number;
  seed: number;
  /** The server's error log, whose lines are added to the report of a 5xx. */
  serverErrors?: ErrorLog;
  /** Weight of the many-lines and of the huge-string cases against 140 for the small ones (default 5). */
  largeWeight?: number;
  tally: IngestTally;
  /** Cases always run first (fast-check's examples), whatever the seed. */
  examples?: IngestCase[];
}

/** Sends one case and checks its answer (a broken property throws, with the server's error log lines of a 5xx). */
export async function sendIngestCase(client: HttpClient, keys: IngestKeys, c: IngestCase, tally: IngestTally, serverErrors?: ErrorLog): Promise<void> {
  tally.cases++;
  const rendered = renderIngest(c, keys);
  serverErrors?.take();
  let res: RawResponse;
  try {
    res = await client.send(rendered.request);
  } catch (err) {
    throw new PropertyViolation(`no answer (the server dropped the connection or is down): ${(err as Error).message}`);
  }
  try {
    checkIngestAnswer(c, rendered, res, tally);
  } catch (err) {
    const logged = res.status >= 500 ? serverErrors?.take() : undefined;
    throw logged ? new PropertyViolation(`${(err as Error).message}\nserver log:\n${logged}`) : err;
  }
}

/**
 * Runs the property over the examples and then `numRuns` generated cases; throws fast-check's report (seed, path,
 * shrunk counterexample) when it fails.
 */
export async function fuzzIngest({ client, keys, numRuns, seed, largeWeight, tally, examples = [], serverErrors }: IngestFuzzOptions): Promise<void> {
  await fc.assert(
    fc.asyncProperty(ingestCase({ ...(largeWeight === undefined ? {} : { largeWeight }) }), (c) => sendIngestCase(client, keys, c, tally, serverErrors)),
    { numRuns: numRuns + examples.length, seed, examples: examples.map((e) => [e]), endOnFailure: false },
  );
}
