/** An error answered by the Logstag API (or the failure to reach it), with what the operator should do about it. */
export class ApiRequestError extends Error {
  override name = 'ApiRequestError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }

  /** One sentence telling the operator what to do next; the API's own message says what went wrong. */
  get hint(): string {
    return hintFor(this.status, this.code);
  }
}

export function hintFor(status: number, code: string): string {
  if (status === 0) return 'Check that the Logstag server is running (npm start) and reload the page.';
  if (status === 401) return 'Your session ended. Sign in again.';
  if (status === 403) return 'Your role does not allow this. Ask an Account Owner or Admin of your organization.';
  if (status === 404) return 'It may have been removed, or the link is wrong. Go back to the list and pick it again.';
  if (status === 409) return 'Someone changed this at the same time. Reload the page and try again.';
  if (status === 422 || code === 'validation_failed' || code === 'bad_request') return 'Correct the highlighted values and submit again.';
  if (status === 429) return 'Too many attempts. Wait a minute, then try again.';
  if (status === 503 || code === 'unavailable') return 'A Logstag component is not ready. Check /readyz and the server log, then reload.';
  return 'Reload the page. If it keeps failing, check the server log (npm start output) for this request.';
}
