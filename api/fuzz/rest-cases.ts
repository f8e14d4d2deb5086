// Generated bad REST requests, derived from each operation's parameters and body schema: valid values next to values
// just outside the schema, wrong types, undecodable escapes, wrong methods, broken or oversized bodies, odd credentials.
import fc from 'fast-check';
import { ODD_TIMESTAMPS } from './ingest-cases';
import { badUtf8String, nastyJson, nastyString, numberLiteral, wrongValue } from './nasty-values';
import type { RawToken } from './raw-json';
import type { JsonSchema, Operation, Parameter } from './rest-operations';

/** A URL component: `encode` percent-encodes it as a client should; otherwise it is sent as written. */
export interface UrlValue {
  value: string;
  encode: boolean;
}

export type RestBody =
  | { json: unknown }
  | { raw: RawToken }
  /** A JSON object with one string field of `bytes` bytes, about the /api body limit. */
  | { oversize: number };

export type RestAuth = 'session' | 'no-csrf' | 'wrong-csrf' | 'cross-origin' | 'none' | 'bad-cookie';

export interface RestCase {
  op: number;
  /** Another method than the operation's, or null for its own. */
  method: string | null;
  auth: RestAuth;
  badCookie?: string;
  path: Record<string, UrlValue>;
  query: Array<[string, UrlValue]>;
  suffix: string;
  body: RestBody | null;
  contentType: string | null;
  gzip: boolean;
}

/** Known good values of path parameters (ids that exist, target ids with data), by parameter name. */
export type PathValues = Record<string, readonly string[]>;

/** Escapes a URL may carry that decode to nothing valid, or to separators. */
const RAW_URL_PARTS = ['%', '%ZZ', '%E0%A4%A', '%00', '%2F', '..', '%2e%2e', '%C0%AF', '%ED%A0%80', '%FF', '+', '%20', '&', '=', '#x', '[]', 'a[b]=c', '%u0041', '\\', '//'];
const BAD_NUMBERS = ['', ' ', '-1', '0', '1.5', '1e3', '1e309', '0x10', '-0', 'Infinity', 'NaN', ' 5', '5 ', '9'.repeat(400), '201', '86401', 'null', 'true', '[]'];
const BAD_DATES = [...ODD_TIMESTAMPS.map(String), '2024-01-01T00:00:00Z/2024-01-02', '1'.repeat(30), 'Tue, 1 Jan 2030 00:00:00 GMT', '-8640000000000001', '8640000000000001'];

/** Times from 40 days before the generator was made to a day after, where the explorers' data lies. */
const isoAround = (): fc.Arbitrary<string> => {
  const now = Date.now();
  return fc.integer({ min: -40 * 86_400_000, max: 86_400_000 }).map((d) => new Date(now + d).toISOString());
};

/** Cursors: base64url of JSON (pairs, numbers, nasty strings) or of any string, and strings that are not base64url. */
const cursorValue = (): fc.Arbitrary<string> =>
  fc.oneof(
    nastyJson().map((v) => Buffer.from(JSON.stringify(v) ?? 'null').toString('base64url')),
    fc.constantFrom<unknown>(['a', 'b'], ['\u0000', 'x'], [1, 2], -1, 0, 1.5, 2 ** 60, '\u0000', { a: 1 }).map((v) => Buffer.from(JSON.stringify(v)).toString('base64url')),
    nastyString().map((s) => Buffer.from(s).toString('base64url')),
    fc.constantFrom('!!!', '====', 'a', '%', '\u0000', 'A'.repeat(201)),
  );

function validString(schema: JsonSchema, name: string, known: PathValues): fc.Arbitrary<string> {
  if (schema.enum) return fc.constantFrom(...schema.enum.map(String));
  if (schema.format === 'date-time') return isoAround();
  if (schema.format === 'email') return fc.nat({ max: 999 }).map((n) => `fuzz-${n}@example.com`);
  if (name === 'cursor') return cursorValue();
  const knownValues = known[name];
  const min = schema.minLength ?? 0;
  const max = Math.min(schema.maxLength ?? 40, 40);
  const plain = fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-_.'), minLength: Math.min(min, max), maxLength: Math.max(min, max) });
  return knownValues?.length ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...knownValues) }, { weight: 1, arbitrary: plain }) : plain;
}

/** Values just outside the schema: one past each bound, a wrong enum member, an odd date, or any nasty string. */
function invalidString(schema: JsonSchema): fc.Arbitrary<string> {
  const options: fc.Arbitrary<string>[] = [nastyString()];
  if (schema.type === 'integer' || schema.type === 'number') {
    options.push(fc.constantFrom(...BAD_NUMBERS));
    if (schema.minimum !== undefined) options.push(fc.constant(String(schema.minimum - 1)));
    if (schema.maximum !== undefined) options.push(fc.constant(String(schema.maximum + 1)));
  }
  if (schema.format === 'date-time') options.push(fc.constantFrom(...BAD_DATES));
  if (schema.enum) options.push(fc.constantFrom(...schema.enum.map((v) => String(v).toUpperCase()), 'all', '*'));
  if (schema.maxLength !== undefined) options.push(fc.constant('a'.repeat(schema.maxLength + 1)));
  if (schema.minLength) options.push(fc.constant('a'.repeat(schema.minLength - 1)));
  return fc.oneof(...options);
}

function urlValue(p: Parameter, known: PathValues): fc.Arbitrary<UrlValue> {
  const asString = p.schema.type === 'integer' || p.schema.type === 'number' ? fc.integer({ min: p.schema.minimum ?? -1e6, max: p.schema.maximum ?? 1e6 }).map(String) : validString(p.schema, p.name, known);
  return fc.oneof(
    { weight: 5, arbitrary: asString.map((value) => ({ value, encode: true })) },
    { weight: 4, arbitrary: invalidString(p.schema).map((value) => ({ value, encode: true })) },
    { weight: 1, arbitrary: fc.constantFrom(...RAW_URL_PARTS).map((value) => ({ value, encode: false })) },
  );
}

function queryPairs(op: Operation, known: PathValues): fc.Arbitrary<Array<[string, UrlValue]>> {
  const params = op.parameters.filter((p) => p.in === 'query');
  const each = params.map((p) =>
    fc.oneof(
      // Left out: a required one then is missing.
      { weight: p.required ? 1 : 3, arbitrary: fc.constant<Array<[string, UrlValue]>>([]) },
      { weight: 5, arbitrary: urlValue(p, known).map((v): Array<[string, UrlValue]> => [[p.name, v]]) },
      // Twice: the query parser makes an array of it.
      { weight: 1, arbitrary: fc.tuple(urlValue(p, known), urlValue(p, known)).map(([a, b]): Array<[string, UrlValue]> => [[p.name, a], [p.name, b]]) },
    ),
  );
  const extra = fc.array(
    fc.tuple(
      fc.constantFrom('unknown', 'limit[]', '__proto__', 'constructor', 'cursor[x]', '', 'a'.repeat(300)),
      nastyString().map((value) => ({ value, encode: true })),
    ),
    { maxLength: 2 },
  );
  return fc.tuple(fc.tuple(...each), extra).map(([parts, more]) => [...parts.flat(), ...more]);
}

/** A value for a JSON body field: valid for its schema, or not. */
function bodyField(schema: JsonSchema, name: string, known: PathValues): fc.Arbitrary<unknown> {
  const valid: fc.Arbitrary<unknown> =
    schema.type === 'integer' ? fc.integer({ min: schema.minimum ?? -1e6, max: schema.maximum ?? 1e6 }) : validString(schema, name, known);
  const invalid: fc.Arbitrary<unknown> = fc.oneof(invalidString(schema), wrongValue());
  return fc.oneof({ weight: 3, arbitrary: valid }, { weight: 2, arbitrary: invalid });
}

function jsonBody(schema: JsonSchema | undefined, known: PathValues): fc.Arbitrary<RestBody> {
  if (!schema?.properties) return nastyJson().map((json) => ({ json }));
  const props = Object.entries(schema.properties);
  const fields = props.map(([name, s]) =>
    fc.oneof(
      { weight: (schema.required ?? []).includes(name) ? 1 : 3, arbitrary: fc.constant<Array<[string, unknown]>>([]) },
      { weight: 6, arbitrary: bodyField(s, name, known).map((v): Array<[string, unknown]> => [[name, v]]) },
    ),
  );
  const extra = fc.array(fc.tuple(fc.constantFrom('extra', '__proto__', 'constructor', 'role', 'organizationId'), nastyJson()), { maxLength: 1 });
  return fc.tuple(fc.tuple(...fields), extra).map(([parts, more]) => ({ json: Object.fromEntries([...parts.flat(), ...more]) }));
}

const JSON_TEXTS = ['', '{', '{"name":', '[', 'null', '"x"', '1', 'true', '{"a":1}{"b":2}', "{'name':'x'}", '{"name":"x",}', '\ufeff{"name":"x"}', 'name=x'];

function body(op: Operation, known: PathValues): fc.Arbitrary<RestBody | null> {
  return fc.oneof(
    { weight: op.body ? 1 : 6, arbitrary: fc.constant(null) },
    { weight: op.body ? 6 : 1, arbitrary: jsonBody(op.body, known) },
    { weight: 1, arbitrary: fc.oneof(fc.constantFrom(...JSON_TEXTS).map((t): RawToken => ({ $raw: [t] })), badUtf8String(), numberLiteral()).map((raw) => ({ raw })) },
    { weight: 1, arbitrary: fc.constantFrom(100 * 1024 - 20, 100 * 1024 + 1, 1024 * 1024, 6 * 1024 * 1024).map((oversize) => ({ oversize })) },
  );
}

const CONTENT_TYPES = [null, 'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=utf-16', 'application/json; charset=latin1', 'application/vnd.api+json', 'application/x-ndjson', 'multipart/form-data; boundary=x', '*/*'];
const OTHER_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'TRACE'];
const BAD_COOKIES = [
  'logstag_session=%E0%A4%A',
  'logstag_session=',
  'logstag_session=%00',
  `logstag_session=${'a'.repeat(5000)}`,
  'logstag_session="abc"',
  'logstag_session=a; logstag_session=b',
  '=; ;;',
  'logstag_session=%',
  'logstag_session=lss_0000000000000000000000000000000000000000',
];
const SUFFIXES = ['/', '//', '.json', '%00', ';x', '/..', '/%2e%2e', '/x', '?', '&'];

export function restCase(operations: readonly Operation[], known: PathValues): fc.Arbitrary<RestCase> {
  return fc.nat({ max: operations.length - 1 }).chain((op) => {
    const operation = operations[op]!;
    const pathParams = operation.parameters.filter((p) => p.in === 'path');
    return fc.record({
      op: fc.constant(op),
      method: fc.oneof({ weight: 8, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constantFrom(...OTHER_METHODS.filter((m) => m !== operation.method)) }),
      auth: fc.oneof(
        { weight: 8, arbitrary: fc.constant<RestAuth>('session') },
        { weight: 1, arbitrary: fc.constantFrom<RestAuth>('no-csrf', 'wrong-csrf', 'cross-origin') },
        { weight: 2, arbitrary: fc.constantFrom<RestAuth>('none', 'bad-cookie') },
      ),
      badCookie: fc.constantFrom(...BAD_COOKIES),
      path: fc.tuple(...pathParams.map((p) => urlValue(p, known))).map((values) => Object.fromEntries(pathParams.map((p, i) => [p.name, values[i]!]))),
      query: queryPairs(operation, known),
      suffix: fc.oneof({ weight: 12, arbitrary: fc.constant('') }, { weight: 1, arbitrary: fc.constantFrom(...SUFFIXES) }),
      body: body(operation, known),
      contentType: fc.oneof({ weight: 6, arbitrary: fc.constant('application/json') }, { weight: 1, arbitrary: fc.constantFrom(...CONTENT_TYPES) }),
      gzip: fc.oneof({ weight: 9, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    });
  });
}
