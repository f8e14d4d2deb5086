// The operations the REST fuzzer calls: those of the OpenAPI document the server serves (GET /api/openapi.json, the
// explorers today), plus the account routes it does not describe yet, written here in the same OpenAPI terms.

/** The subset of JSON Schema the generators read. */
export interface JsonSchema {
  $ref?: string;
  type?: string;
  enum?: readonly unknown[];
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  properties?: Record<string, JsonSchema>;
  required?: readonly string[];
  default?: unknown;
}

export interface Parameter {
  name: string;
  in: 'path' | 'query';
  required: boolean;
  schema: JsonSchema;
  description?: string;
}

export interface Operation {
  method: string;
  /** OpenAPI path template: `/api/users/{id}`. */
  path: string;
  parameters: Parameter[];
  /** The JSON body's schema, for operations that take one. */
  body?: JsonSchema;
}

interface OpenApiOperation {
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

/** The schema with `$ref`s to `#/components/schemas/…` replaced by what they name (properties one level down too). */
function resolved(doc: OpenApiDocument, schema: JsonSchema): JsonSchema {
  const deref = (s: JsonSchema): JsonSchema => (s.$ref?.startsWith('#/components/schemas/') ? (doc.components?.schemas?.[s.$ref.slice(21)] ?? {}) : s);
  const top = deref(schema);
  if (!top.properties) return top;
  return { ...top, properties: Object.fromEntries(Object.entries(top.properties).map(([k, v]) => [k, deref(v)])) };
}

const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

/** Every operation of an OpenAPI 3 document. Explorer dates have an empty schema and say "ISO 8601": typed here. */
export function operationsOf(doc: OpenApiDocument): Operation[] {
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!HTTP_METHODS.has(method)) continue;
      const parameters = (op.parameters ?? []).map((p) =>
        Object.keys(p.schema).length === 0 && /ISO 8601/.test(p.description ?? '') ? { ...p, schema: { type: 'string', format: 'date-time' } } : { ...p, schema: resolved(doc, p.schema) },
      );
      const jsonBody = op.requestBody?.content?.['application/json']?.schema;
      const body = jsonBody ? resolved(doc, jsonBody) : undefined;
      ops.push({ method: method.toUpperCase(), path, parameters, ...(body ? { body } : {}) });
    }
  }
  return ops;
}

const str = (minLength: number, maxLength: number): JsonSchema => ({ type: 'string', minLength, maxLength });
const ROLE: JsonSchema = { type: 'string', enum: ['owner', 'admin', 'member'] };
const EMAIL: JsonSchema = { type: 'string', format: 'email', maxLength: 320 };
const ID: Parameter = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };
const PAGE: Parameter[] = [
  { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 200 } },
  { name: 'cursor', in: 'query', required: false, schema: { type: 'string', maxLength: 200 } },
];
const obj = (properties: Record<string, JsonSchema>, required = Object.keys(properties)): JsonSchema => ({ type: 'object', properties, required });

const AUDIT_QUERY: Parameter[] = [
  ...PAGE,
  { name: 'actor', in: 'query', required: false, schema: { type: 'string', maxLength: 320 } },
  { name: 'action', in: 'query', required: false, schema: { type: 'string', maxLength: 100 } },
  { name: 'objectType', in: 'query', required: false, schema: { type: 'string', maxLength: 100 } },
  { name: 'objectId', in: 'query', required: false, schema: { type: 'string', maxLength: 200 } },
  { name: 'from', in: 'query', required: false, schema: { type: 'string', format: 'date-time' } },
  { name: 'to', in: 'query', required: false, schema: { type: 'string', format: 'date-time' } },
  { name: 'format', in: 'query', required: false, schema: { type: 'string', enum: ['json', 'csv'] } },
];

/** The account, session, setup, audit and failed-payload routes (api/src/*\/*.routes.ts), with the inputs their zod schemas accept. */
export const ACCOUNT_OPERATIONS: readonly Operation[] = [
  { method: 'GET', path: '/api/session', parameters: [] },
  { method: 'POST', path: '/api/session', parameters: [], body: obj({ email: str(1, 320), password: str(1, 1024) }) },
  { method: 'DELETE', path: '/api/session', parameters: [] },
  { method: 'GET', path: '/api/setup', parameters: [] },
  {
    method: 'POST',
    path: '/api/setup',
    parameters: [],
    body: obj({ token: str(20, 200), organizationName: str(1, 200), email: EMAIL, name: str(1, 200), password: str(12, 1024) }),
  },
  { method: 'GET', path: '/api/organization', parameters: [] },
  { method: 'PATCH', path: '/api/organization', parameters: [], body: obj({ name: str(1, 200) }) },
  { method: 'GET', path: '/api/users', parameters: PAGE },
  { method: 'GET', path: '/api/users/{id}', parameters: [ID] },
  { method: 'PATCH', path: '/api/users/{id}/role', parameters: [ID], body: obj({ role: ROLE }) },
  { method: 'DELETE', path: '/api/users/{id}', parameters: [ID] },
  { method: 'GET', path: '/api/invitations', parameters: PAGE },
  { method: 'POST', path: '/api/invitations', parameters: [], body: obj({ email: EMAIL, role: ROLE }) },
  { method: 'DELETE', path: '/api/invitations/{id}', parameters: [ID] },
  { method: 'POST', path: '/api/invitations/accept', parameters: [], body: obj({ token: str(20, 200), name: str(1, 200), password: str(12, 1024) }) },
  { method: 'GET', path: '/api/agent-keys', parameters: PAGE },
  { method: 'GET', path: '/api/agent-keys/{id}', parameters: [ID] },
  { method: 'POST', path: '/api/agent-keys', parameters: [], body: obj({ name: str(1, 200), expiresAt: { type: 'string', format: 'date-time' } }, ['name']) },
  { method: 'POST', path: '/api/agent-keys/{id}/rotate', parameters: [ID], body: obj({ overlapSeconds: { type: 'integer', minimum: 0, maximum: 30 * 24 * 3600 } }, []) },
  { method: 'DELETE', path: '/api/agent-keys/{id}', parameters: [ID] },
  { method: 'GET', path: '/api/audit-events', parameters: AUDIT_QUERY },
  { method: 'GET', path: '/api/audit-events.csv', parameters: AUDIT_QUERY },
  { method: 'GET', path: '/api/payloads', parameters: [...PAGE, { name: 'status', in: 'query', required: false, schema: { type: 'string', enum: ['failed', 'stuck'] } }] },
  { method: 'POST', path: '/api/payloads/{id}/retry', parameters: [ID] },
  { method: 'POST', path: '/api/payloads/{id}/discard', parameters: [ID] },
  { method: 'GET', path: '/api/openapi.json', parameters: [] },
];

/** The served document's operations, then each account operation the document does not already describe. */
export function fuzzedOperations(doc: OpenApiDocument): Operation[] {
  const served = operationsOf(doc);
  const key = (o: Operation) => `${o.method} ${o.path}`;
  const known = new Set(served.map(key));
  return [...served, ...ACCOUNT_OPERATIONS.filter((o) => !known.has(key(o)))];
}
