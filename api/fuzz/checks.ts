// The properties every answer must have, whatever was sent: no 5xx, and errors in the one documented shape.
import { ERROR_CODES } from '@logstag/schema';
import type { RawResponse } from './http-client';

/** A broken property, with what the server answered (cut short) so the failure report says what happened. */
export class PropertyViolation extends Error {
  override name = 'PropertyViolation';
}

export function describeResponse(res: RawResponse): string {
  const text = res.body.subarray(0, 600).toString('utf8');
  return `${res.status} ${String(res.headers['content-type'] ?? '')} ${text}${res.body.length > 600 ? '…' : ''}`;
}

export function jsonOf(res: RawResponse): unknown {
  try {
    return JSON.parse(res.body.toString('utf8'));
  } catch {
    throw new PropertyViolation(`the answer is not JSON: ${describeResponse(res)}`);
  }
}

const codes = new Set<string>(ERROR_CODES);

/** `{ error: { code, message, details? } }` with a code of the closed set and nothing else. */
export function assertErrorShape(value: unknown, where: string): void {
  const fail = (why: string) => {
    throw new PropertyViolation(`${where}: ${why}: ${JSON.stringify(value)?.slice(0, 600)}`);
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail('the error body is not an object');
  if (Object.keys(value).join() !== 'error') return fail('the error body has keys other than "error"');
  const error = (value as { error: unknown }).error;
  if (typeof error !== 'object' || error === null) return fail('"error" is not an object');
  const { code, message, ...rest } = error as Record<string, unknown>;
  if (typeof code !== 'string' || !codes.has(code)) return fail('"error.code" is not one of the documented codes');
  if (typeof message !== 'string' || message.length === 0) return fail('"error.message" is not a non-empty string');
  if (Object.keys(rest).some((k) => k !== 'details')) return fail('"error" has keys other than code, message and details');
}

/** Paths whose errors are the API's: anything else that does not match a route is the web app's page (HTML 404). */
const API_PATH = /^\/(api|v1)(\/|$|\?)/;

/**
 * Never a 5xx. The API answers 2xx or 4xx, and every 4xx in the error shape as JSON (a HEAD answer has no body to
 * check); outside it (`/healthz` with a suffix, say) the web app's own 404 page or path redirect is fine.
 */
export function assertNoServerError(res: RawResponse, method: string, path: string): void {
  if (res.status >= 500) throw new PropertyViolation(`server error: ${describeResponse(res)}`);
  if (!API_PATH.test(path)) return;
  if (res.status < 200 || (res.status >= 300 && res.status < 400)) throw new PropertyViolation(`neither 2xx nor 4xx: ${describeResponse(res)}`);
  if (res.status < 400 || method === 'HEAD') return;
  const type = String(res.headers['content-type'] ?? '');
  if (!type.startsWith('application/json')) throw new PropertyViolation(`a ${res.status} that is not JSON: ${describeResponse(res)}`);
  assertErrorShape(jsonOf(res), `the ${res.status} answer`);
}
