/** A setup problem the operator can fix; its message says how. The process prints it and exits non-zero. */
export class TemporalSetupError extends Error {
  override name = 'TemporalSetupError';
}
