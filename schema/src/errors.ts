/** The closed set of error codes the REST API and ingest answer with. */
export const ERROR_CODES = [
  'bad_request',
  'validation_failed',
  'unauthenticated',
  'forbidden',
  'not_found',
  'conflict',
  'payload_too_large',
  /** The store refused the data itself (a value it cannot hold that the checks before it let through). */
  'unstorable',
  'unsupported_media_type',
  /** The path exists, the method does not (405, with an Allow header). */
  'method_not_allowed',
  'rate_limited',
  'unavailable',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown };
}
