// The REST fuzzer: generated bad requests to every documented operation over real HTTP, signed in (cookie and CSRF
// token) and not; every answer must be a 2xx or 4xx, errors in the one shape.
import fc from 'fast-check';
import { assertNoServerError, jsonOf, PropertyViolation } from './checks';
import type { ErrorLog } from './server-log';
import type { HttpClient, RawResponse } from './http-client';
import { restCase, type PathValues, type RestCase } from './rest-cases';
import { fuzzedOperations, type OpenApiDocument, type Operation } from './rest-operations';
import { renderRest, type RestSession } from './rest-render';

export interface RestTally {
  cases: number;
  statuses: Record<string, number>;
  errors: Record<string, number>;
  /** Requests per operation (`GET /api/users/{id}`), wrong methods counted under the operation they were derived from. */
  operations: Record<string, number>;
  /** Times the session was signed out by a generated request and signed in again. */
  signIns: number;
}

export function newRestTally(): RestTally {
  return { cases: 0, statuses: {}, errors: {}, operations: {}, signIns: 0 };
}

/** Signs in like the web app does and keeps the cookie and CSRF token. */
export async function signIn(client: HttpClient, origin: string, email: string, password: string): Promise<RestSession> {
  const res = await client.send({
    method: 'POST',
    path: '/api/session',
    headers: { 'content-type': 'application/json', origin },
    body: Buffer.from(JSON.stringify({ email, password })),
  });
  if (res.status !== 201) throw new Error(`sign-in failed: ${res.status} ${res.body.toString('utf8').slice(0, 300)}`);
  const setCookie = [res.headers['set-cookie'] ?? []].flat();
  const cookie = setCookie.map((c) => c.split(';')[0] ?? '').find((c) => c.startsWith('logstag_session='));
  if (!cookie) throw new Error('sign-in set no session cookie');
  return { cookie, csrfToken: (jsonOf(res) as { csrfToken: string }).csrfToken };
}

/** The served OpenAPI document's operations plus the account routes it does not describe. */
export async function loadOperations(client: HttpClient): Promise<Operation[]> {
  const res = await client.send({ method: 'GET', path: '/api/openapi.json', headers: {} });
  if (res.status !== 200) throw new Error(`GET /api/openapi.json answered ${res.status}`);
  return fuzzedOperations(jsonOf(res) as OpenApiDocument);
}

const signsOut = (res: RawResponse) => [res.headers['set-cookie'] ?? []].flat().some((c) => /^logstag_session=;|Expires=Thu, 01 Jan 1970|Max-Age=0/i.test(c));

export interface RestFuzzOptions {
  client: HttpClient;
  /** The server's own origin (`http://127.0.0.1:port`), sent as Origin like a browser would. */
  origin: string;
  operations: readonly Operation[];
  known: PathValues;
  credentials: { email: string; password: string };
  numRuns: number;
  seed: number;
  /** The server's error log, whose lines are added to the report of a 5xx. */
  serverErrors?: ErrorLog;
  tally: RestTally;
}

/** Runs the property; throws fast-check's report (seed, path, shrunk counterexample) when it fails. */
export async function fuzzRest({ client, origin, operations, known, credentials, numRuns, seed, tally, serverErrors }: RestFuzzOptions): Promise<void> {
  let session = await signIn(client, origin, credentials.email, credentials.password);
  const check = async (c: RestCase) => {
    tally.cases++;
    const op = operations[c.op]!;
    const name = `${op.method} ${op.path}`;
    tally.operations[name] = (tally.operations[name] ?? 0) + 1;
    const req = renderRest(c, operations, session, origin);
    serverErrors?.take();
    let res: RawResponse;
    try {
      res = await client.send(req);
    } catch (err) {
      throw new PropertyViolation(`no answer to ${req.method} ${req.path} (the server dropped the connection or is down): ${(err as Error).message}`);
    }
    tally.statuses[res.status] = (tally.statuses[res.status] ?? 0) + 1;
    // A generated DELETE /api/session signs the fuzzer out: sign in again so later cases still reach the handlers.
    if (c.auth === 'session' && signsOut(res)) {
      session = await signIn(client, origin, credentials.email, credentials.password);
      tally.signIns++;
    }
    try {
      assertNoServerError(res, req.method, req.path);
    } catch (err) {
      const logged = res.status >= 500 ? serverErrors?.take() : undefined;
      throw new PropertyViolation(`${req.method} ${req.path.slice(0, 300)}: ${(err as Error).message}${logged ? `\nserver log:\n${logged}` : ''}`);
    }
    if (res.status >= 400 && req.method !== 'HEAD' && String(res.headers['content-type']).startsWith('application/json')) {
      const code = (jsonOf(res) as { error: { code: string } }).error.code;
      tally.errors[code] = (tally.errors[code] ?? 0) + 1;
    }
  };
  await fc.assert(fc.asyncProperty(restCase(operations, known), check), { numRuns, seed, endOnFailure: false });
}
