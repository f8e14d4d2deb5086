import { z } from 'zod';
import { errorBodySchema } from '@logstag/schema/api';
import { accessKind, type ErrorStatus, type RouteDoc } from './api-route';
import { isNoContent, isText } from './api-registry';

type Schema = z.core.$ZodType;
type JsonSchema = { properties?: Record<string, JsonSchema>; required?: string[]; description?: string; [k: string]: unknown };

/**
 * Turns zod schemas into the document's JSON Schemas. Named schemas (recursive ones: `BlockingNode`) go to
 * components.schemas once and are referred to from there.
 */
function schemaConverter(components: Record<string, unknown>) {
  return (schema: Schema, io: 'input' | 'output'): JsonSchema => {
    const json = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema & { $schema?: string; $defs?: Record<string, unknown> };
    const { $schema: _ignored, $defs, ...rest } = json;
    const relink = <T>(v: T): T => JSON.parse(JSON.stringify(v).replaceAll('"#/$defs/', '"#/components/schemas/')) as T;
    for (const [name, def] of Object.entries($defs ?? {})) components[name] = relink(def);
    return relink(rest);
  };
}

const ERROR_DESCRIPTIONS: Record<ErrorStatus, string> = {
  400: 'The request does not match the expected input (each field named in details.issues)',
  401: 'Not signed in, or an unknown key',
  403: 'The role lacks the permission, or a cross-origin or CSRF check failed',
  404: 'No such object in the caller’s organization',
  409: 'The object is not in a state that allows this',
  413: 'The body is larger than allowed',
  415: 'Unsupported Content-Type or Content-Encoding',
  422: 'The store cannot hold the data',
  429: 'Too many requests; try again later',
  503: 'A dependency is unavailable; try again later',
};

/**
 * Node's HTTP server answers 431, with no body and before any route, to a request line and headers over its 16 KB:
 * a long query string of percent-encoded text reaches it (found by schemathesis on ?labels=).
 */
const REQUEST_TOO_LARGE = { '431': { description: 'The request line and headers exceed what the server reads (16 KB); no body' } };

/** The statuses a route can answer besides its own: from its inputs, its access and the /api middlewares. */
function errorStatusesOf(r: RouteDoc): ErrorStatus[] {
  const out = new Set<ErrorStatus>(r.errors ?? []);
  const kind = accessKind(r.access);
  if (r.params || r.query || r.body || r.rawBody) out.add(400);
  if (kind === 'session' || kind === 'permission') out.add(401);
  if (kind === 'permission') out.add(403);
  if (r.path.startsWith('/api/')) {
    // express.json() reads a JSON body on every /api request: broken JSON is a 400, too large a 413, an unknown
    // Content-Encoding a 415. State-changing requests pass the Origin and CSRF checks (403).
    out.add(400);
    out.add(413);
    out.add(415);
    if (r.method !== 'get') out.add(403);
  }
  return [...out].sort();
}

/** `DELETE /api/users/:id` → `deleteApiUsersById`: a stable name for tools that filter or report by operation. */
function operationIdOf(r: RouteDoc): string {
  const words = r.path.split(/[/.-]/).filter(Boolean).map((w) => (w.startsWith(':') ? `by_${w.slice(1)}` : w));
  return r.method + words.flatMap((w) => w.split('_')).map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
}

function securityOf(r: RouteDoc) {
  const kind = accessKind(r.access);
  if (kind === 'agent-key') return [{ agentKey: [] }];
  if (kind === 'session' || kind === 'permission') return [r.method === 'get' ? { session: [] } : { session: [], csrf: [] }];
  return [];
}

/** OpenAPI 3.1 generated from the routes' declarations, so the document cannot drift from the code. */
export function openApiDocument(routes: readonly RouteDoc[]) {
  const components: Record<string, unknown> = {};
  const toJson = schemaConverter(components);
  const parametersOf = (schema: Schema | undefined, where: 'path' | 'query') => {
    if (!schema) return [];
    const json = toJson(schema, 'input');
    return Object.entries(json.properties ?? {}).map(([name, s]) => {
      const { description, ...rest } = s;
      return { name, in: where, required: where === 'path' || (json.required ?? []).includes(name), schema: rest, ...(description ? { description } : {}) };
    });
  };

  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = r.path.replace(/:(\w+)/g, '{$1}');
    const success: Record<string, unknown> = {};
    const status = String(r.status ?? (isNoContent(r.response) ? 204 : 200));
    if (isNoContent(r.response)) success[status] = { description: 'Done; no content' };
    else if (isText(r.response)) success[status] = { description: r.response.description, content: { [r.response.text]: { schema: { type: 'string' } } } };
    else {
      const also = r.alsoAnswers ? { [r.alsoAnswers.text]: { schema: { type: 'string', description: r.alsoAnswers.description } } } : {};
      success[status] = { description: 'OK', content: { 'application/json': { schema: toJson(r.response, 'output') }, ...also } };
    }
    for (const [code, other] of Object.entries(r.otherResponses ?? {})) {
      if (other && 'text' in other) success[code] = { description: other.description, content: { [other.text]: { schema: { type: 'string' } } } };
      else if (other) success[code] = { description: other.description, content: { 'application/json': { schema: toJson(other.schema, 'output') } } };
    }
    const errors = Object.fromEntries(
      errorStatusesOf(r)
        .filter((s) => !(String(s) in success))
        .map((s) => [String(s), { description: ERROR_DESCRIPTIONS[s], content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } }]),
    );
    const body = r.body
      ? { required: true, content: { 'application/json': { schema: toJson(r.body, 'input') } } }
      : r.rawBody
        ? { required: true, description: r.rawBody.description, content: Object.fromEntries(Object.entries(r.rawBody.content).map(([type, schema]) => [type, { schema: toJson(schema, 'input') }])) }
        : undefined;
    paths[path] = {
      ...paths[path],
      [r.method]: {
        operationId: operationIdOf(r),
        summary: r.summary,
        tags: [r.tag],
        security: securityOf(r),
        parameters: [...parametersOf(r.params, 'path'), ...parametersOf(r.query, 'query')],
        ...(body ? { requestBody: body } : {}),
        responses: { ...success, ...errors, ...REQUEST_TOO_LARGE },
      },
    };
  }
  components.Error = toJson(errorBodySchema, 'output');
  return {
    openapi: '3.1.0',
    info: {
      title: 'Logstag API',
      version: '1',
      description: 'Generated from the routes’ declarations (api/src/http/api-registry.ts). A method a path does not offer answers 405 with an Allow header.',
    },
    paths,
    components: {
      schemas: components,
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: 'logstag_session', description: 'From POST /api/session' },
        csrf: { type: 'apiKey', in: 'header', name: 'X-CSRF-Token', description: 'The csrfToken of GET /api/session, on every state-changing request' },
        agentKey: { type: 'http', scheme: 'bearer', description: 'An agent API key (lsk_…)' },
      },
    },
  };
}
