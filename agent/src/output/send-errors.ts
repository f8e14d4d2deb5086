/** The server could not take the payload now (network error, 5xx, 429, 408): try again later, maybe from the spool. */
export class RetryableSendError extends Error {
  override readonly name: string = 'RetryableSendError';
  constructor(
    message: string,
    readonly status?: number,
    /** From the server's Retry-After header. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/**
 * The server refused the payload itself (400, 413, 415, 422…). Sending the same bytes again cannot succeed: the
 * payload is logged with the server's message and dropped.
 */
export class RejectedPayloadError extends Error {
  override readonly name = 'RejectedPayloadError';
  constructor(
    readonly status: number,
    readonly serverMessage: string,
  ) {
    super(`server rejected the payload (${status}): ${serverMessage}`);
  }
}

/**
 * The server refused our credentials (401/403). Not the payload's fault, and an operator can fix the key: the
 * payload is kept in the spool rather than dropped, and replay waits for the key to work.
 */
export class UnauthorizedError extends RetryableSendError {
  override readonly name = 'UnauthorizedError';
}
