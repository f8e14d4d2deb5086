/**
 * Why storing a payload failed, decided from the error alone:
 * - `transient`: the store could not answer now (connection lost or refused, a deadlock or serialization failure, a
 *   lock it waited too long for, the server shutting down or out of resources, no pool connection in time). The same
 *   work succeeds later: retry it with backoff.
 * - `data`: the store refused this data and would refuse it again (an invalid string or timestamp, a constraint, a
 *   program limit, normalization itself throwing on the body). Retrying cannot help: isolate the payload instead.
 * An error that is neither (an unknown SQLSTATE, an unexpected message) counts as transient: its retries are bounded
 * and a payload is never failed for good on a guess.
 */
export type StoreErrorKind = 'transient' | 'data';

export interface ClassifiedStoreError {
  kind: StoreErrorKind;
  /** SQLSTATE (`22021`), a socket error code (`ECONNRESET`) or the JavaScript error's name (`RangeError`). */
  code: string | null;
  message: string;
}

// https://www.postgresql.org/docs/current/errcodes-appendix.html
const TRANSIENT_SQLSTATES = new Set(['40001', '40P01', '55P03', '57P01', '57P02', '57P03', '57014']);
// 08 connection exception, 53 insufficient resources, 58 system error (I/O outside PostgreSQL).
const TRANSIENT_CLASSES = new Set(['08', '53', '58']);
// 22 data exception (22P05 NUL in jsonb, 22021 bad UTF-8, 22008 datetime overflow), 23 integrity constraint,
// 54 program limit exceeded (too many columns, statement too complex, a string too long for an index).
const DATA_CLASSES = new Set(['22', '23', '54']);

const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND']);

// What pg, pg-pool and PGlite throw when there is no usable connection; none of them carries a code.
const UNAVAILABLE_MESSAGES = [
  /timeout exceeded when trying to connect/i, // pg-pool: no client free within connectionTimeoutMillis
  /Connection terminated/i, // pg: the server went away ("unexpectedly", "due to connection timeout")
  /Client has encountered a connection error and is not queryable/i,
  /Cannot use a pool after calling end on the pool/i, // shutting down: another worker takes the task
  /PGlite is clos(ed|ing)/i,
  /Connection refused|server closed the connection/i,
];

// Errors normalization throws on a body it cannot handle: the same body throws again.
const DATA_ERROR_NAMES = new Set(['RangeError', 'TypeError', 'SyntaxError', 'URIError']);
// zlib on a corrupt stored body.
const ZLIB_DATA_CODES = new Set(['Z_DATA_ERROR', 'Z_BUF_ERROR', 'Z_NEED_DICT', 'ERR_BUFFER_TOO_LARGE']);

const SQLSTATE = /^[0-9A-Z]{5}$/;

function codeOf(err: unknown): string | null {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code !== '' ? code : null;
}

function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  return typeof err === 'string' ? err : JSON.stringify(err) ?? String(err);
}

/** The error and its causes, outermost first (pg-pool wraps the socket error; AggregateError holds several). */
function chainOf(err: unknown): unknown[] {
  const chain: unknown[] = [];
  let e: unknown = err;
  while (e !== undefined && e !== null && chain.length < 8 && !chain.includes(e)) {
    chain.push(e);
    if (e instanceof AggregateError) chain.push(...e.errors.slice(0, 4));
    e = (e as { cause?: unknown }).cause;
  }
  return chain;
}

function classifyOne(err: unknown): ClassifiedStoreError | null {
  const code = codeOf(err);
  const message = messageOf(err);
  if (code && SOCKET_CODES.has(code)) return { kind: 'transient', code, message };
  if (code && ZLIB_DATA_CODES.has(code)) return { kind: 'data', code, message };
  if (code && SQLSTATE.test(code)) {
    const cls = code.slice(0, 2);
    if (TRANSIENT_SQLSTATES.has(code) || TRANSIENT_CLASSES.has(cls)) return { kind: 'transient', code, message };
    if (DATA_CLASSES.has(cls)) return { kind: 'data', code, message };
    return null;
  }
  if (UNAVAILABLE_MESSAGES.some((m) => m.test(message))) return { kind: 'transient', code, message };
  if (err instanceof Error && DATA_ERROR_NAMES.has(err.name)) return { kind: 'data', code: err.name, message };
  return null;
}

/** Classifies an error thrown while storing payloads (see the kinds above). Pure. */
export function classifyStoreError(err: unknown): ClassifiedStoreError {
  for (const e of chainOf(err)) {
    const c = classifyOne(e);
    if (c) return c;
  }
  return { kind: 'transient', code: codeOf(err) ?? (err instanceof Error ? err.name : null), message: messageOf(err) };
}
