import { ApiError } from '../http/api-error';

/**
 * What a failed store call means for the payload that made it.
 * - `data`: the store refused this payload's values (SQLSTATE class 22 data exception, 23 integrity constraint,
 *   54 program limit exceeded). Sending it again cannot succeed: that payload alone is refused.
 * - `unavailable`: anything else. Mostly the store being down or busy (connection refused or lost, class 08,
 *   57P01-57P03 shutting down or starting, 53 out of resources, 40 deadlock or serialization, the pool's connect
 *   timeout); the few others are not the payload's fault either. The request is answered 503 and the agent sends it
 *   again (its ids make that safe): a payload is never dropped on an error nobody can explain.
 */
export type StoreFailureKind = 'data' | 'unavailable';

const DATA_CLASSES = new Set(['22', '23', '54']);
const SQLSTATE = /^[0-9A-Z]{5}$/;

export function storeFailureKind(err: unknown): StoreFailureKind {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && SQLSTATE.test(code) && DATA_CLASSES.has(code.slice(0, 2)) ? 'data' : 'unavailable';
}

/** Seconds an agent is asked to wait after a 503 (Retry-After). */
export const STORE_RETRY_AFTER_SECONDS = 5;

/** 503: the store cannot take payloads now. The route adds Retry-After and logs the cause. */
export class StoreUnavailableError extends ApiError {
  override name = 'StoreUnavailableError';
  readonly retryAfterSeconds = STORE_RETRY_AFTER_SECONDS;
  constructor(cause: unknown) {
    super(503, 'unavailable', 'the store cannot take payloads now; send them again later (their ids make that safe)', { retryAfterSeconds: STORE_RETRY_AFTER_SECONDS });
    this.cause = cause;
  }
}

const MAX_STORE_MESSAGE_CHARS = 200;

/** The answer's words for a data error: the SQLSTATE and the store's message, cut short (never its detail: other rows' values). */
export function unstorableMessage(err: unknown): string {
  const { code, message } = err as { code?: string; message?: string };
  return `the store refused the payload's data (SQLSTATE ${code}: ${String(message ?? '').slice(0, MAX_STORE_MESSAGE_CHARS)}); it cannot be stored as it is`;
}
