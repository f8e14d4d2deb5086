/** A start-up problem the operator can fix (a port in use, a role without what it needs); its message says how. */
export class StartupError extends Error {
  override name = 'StartupError';
}
