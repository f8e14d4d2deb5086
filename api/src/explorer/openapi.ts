import { z } from 'zod';
import type { RouteDoc } from './registry';

type JsonSchema = { properties?: Record<string, unknown>; required?: string[] };

function parametersOf(schema: z.ZodType | undefined, where: 'query' | 'path') {
  if (!schema) return [];
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  return Object.entries(json.properties ?? {}).map(([name, s]) => {
    const { description, ...rest } = s as { description?: string };
    return { name, in: where, required: where === 'path' || (json.required ?? []).includes(name), schema: rest, ...(description ? { description } : {}) };
  });
}

/** OpenAPI 3.1 generated from the zod schemas the routes validate with, so the document cannot drift from the code. */
export function openApiDocument(docs: readonly RouteDoc[]) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const d of docs) {
    const path = d.path.replace(/:(\w+)/g, '{$1}');
    paths[path] = {
      ...paths[path],
      [d.method]: {
        summary: d.summary,
        tags: [d.tag],
        security: [{ session: [] }],
        parameters: [...parametersOf(d.params, 'path'), ...parametersOf(d.query, 'query')],
        responses: {
          '200': { description: 'OK', content: { 'application/json': { schema: { type: 'object' } } } },
          '400': { $ref: '#/components/responses/Error' },
          '401': { $ref: '#/components/responses/Error' },
          '403': { $ref: '#/components/responses/Error' },
          '404': { $ref: '#/components/responses/Error' },
        },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Logstag explorer API', version: '1' },
    paths,
    components: {
      securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'logstag_session' } },
      responses: {
        Error: {
          description: 'An error with a code from the closed set',
          content: {
            'application/json': {
              schema: {
                type: 'object',
                properties: { error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} }, required: ['code', 'message'] } },
              },
            },
          },
        },
      },
    },
  };
}
