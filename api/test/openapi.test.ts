// The API contract: /api/openapi.json is generated from the routes' declarations and covers every route the app
// serves, with real parameter, body and response schemas; a method a path does not offer answers 405.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedIn, type ApiClient } from './accounts-client';
import { seedOrganization, startTestContext, type TestContext } from './context';
import { registeredRoutes } from './isolation-routes';

interface Operation {
  parameters: Array<{ name: string; in: string; required: boolean; schema: Record<string, unknown> }>;
  requestBody?: { content: Record<string, { schema: Record<string, unknown> }> };
  responses: Record<string, { content?: Record<string, { schema: Record<string, unknown> }> }>;
  security: unknown[];
}
type Doc = { openapi: string; paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, unknown> } };

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
const toTemplate = (expressPath: string) => expressPath.replace(/:(\w+)/g, '{$1}');
const fill = (template: string) => template.replace(/\{\w+\}/g, 'x');

describe('the OpenAPI document and the method answers', () => {
  let ctx: TestContext;
  let owner: ApiClient;
  let doc: Doc;

  beforeAll(async () => {
    ctx = await startTestContext('pglite');
    const org = await seedOrganization(ctx);
    owner = await signedIn(ctx, org.ownerEmail, org.ownerPassword);
    doc = (await (await fetch(`${ctx.url}/api/openapi.json`)).json()) as Doc;
  });
  afterAll(async () => {
    await ctx?.stop();
  });

  it('describes every route the app serves (account, ingest, probes, explorers), and nothing it does not', () => {
    const served = registeredRoutes(ctx.app.express)
      .filter((r) => r.method !== 'HEAD')
      .map((r) => `${r.method} ${toTemplate(r.path)}`)
      .sort();
    const documented = Object.entries(doc.paths)
      .flatMap(([path, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`))
      .sort();
    expect(documented).toEqual(served);
    for (const expected of ['POST /v1/ingest', 'GET /healthz', 'GET /readyz', 'GET /metrics', 'POST /api/session', 'GET /api/audit-events.csv', 'POST /api/payloads/{id}/retry']) {
      expect(documented).toContain(expected);
    }
    expect(doc.openapi).toBe('3.1.0');
  });

  it('gives every parameter a real schema, dates as date-time strings', () => {
    const dates: string[] = [];
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        for (const p of op.parameters) {
          expect(Object.keys(p.schema), `${method} ${path} ?${p.name}`).not.toEqual([]);
          if (['from', 'to', 'at'].includes(p.name)) dates.push(`${method} ${path} ${p.name}`);
          if (['from', 'to', 'at'].includes(p.name)) expect(p.schema, `${method} ${path} ${p.name}`).toMatchObject({ type: 'string', format: 'date-time' });
        }
      }
    }
    expect(dates).toContain('get /api/explorer/activity/{targetId}/sessions at');
    expect(dates).toContain('get /api/audit-events from');
    expect(doc.paths['/api/agent-keys']!.post!.requestBody!.content['application/json']!.schema).toMatchObject({
      properties: { expiresAt: { type: 'string', format: 'date-time' } },
      required: ['name'],
    });
  });

  it('documents each answer: the success with its schema, and the errors each route can give in the one error shape', () => {
    const users = doc.paths['/api/users/{id}']!;
    expect(Object.keys(users.get!.responses).sort()).toEqual(['200', '400', '401', '403', '404', '413', '415', '431']);
    expect(users.get!.responses['200']!.content!['application/json']!.schema).toMatchObject({ properties: { role: { enum: ['owner', 'admin', 'member'] } } });
    expect(users.delete!.responses['204']).toBeDefined();
    expect(users.delete!.responses['409']!.content!['application/json']!.schema).toEqual({ $ref: '#/components/schemas/Error' });
    expect(doc.components.schemas.Error).toMatchObject({ properties: { error: { required: ['code', 'message'] } } });
    expect(Object.keys(doc.paths['/v1/ingest']!.post!.responses).sort()).toEqual(['202', '400', '401', '403', '409', '413', '415', '422', '429', '431', '503']);
    expect(Object.keys(doc.paths['/readyz']!.get!.responses).sort()).toEqual(['200', '431', '503']);
    expect(Object.keys(doc.paths['/api/session']!.post!.responses)).toContain('429');
    // The explorers' answers are typed: a metric's kind is what the store writes, nothing else.
    const series = doc.paths['/api/explorer/databases/{targetId}/metrics']!.get!.responses['200']!.content!['application/json']!.schema as any;
    expect(series.properties.items.items.properties.kind).toEqual({ type: 'string', enum: ['gauge', 'delta'] });
    // The blocking tree is recursive: a named schema in components, referred to.
    expect(doc.components.schemas.BlockingNode).toBeDefined();
  });

  it('answers an unreadable ?at= with a 400 that says what a date looks like, and reads an ISO 8601 one', async () => {
    for (const at of ['yesterday', '', '1']) {
      const res = await owner.get(`/api/explorer/activity/pg-none/blocking?at=${at}`);
      expect(res.status, at).toBe(400);
      expect(res.body.error.details.issues[0], at).toMatchObject({ path: 'at', message: expect.stringMatching(/ISO 8601/) });
      expect(JSON.stringify(res.body), at).not.toContain('received Date');
    }
    // An empty or unreadable bound of a range is a 400 too (the range check read '' as a Date: a 500, found by schemathesis).
    for (const route of ['activity/pg-none/connections', 'activity/pg-none/waits', 'activity/pg-none/waits?step=60&', 'databases/pg-none/series?metric=m&', 'queries/pg-none/top', 'schema/pg-none/changes']) {
      const url = `/api/explorer/${route}${route.includes('?') ? '' : '?'}to=`;
      const res = await owner.get(url);
      expect([res.status, res.body.error?.code], url).toEqual([400, 'validation_failed']);
    }
    // Past validation, the unknown target is what answers.
    const ok = await owner.get(`/api/explorer/activity/pg-none/blocking?at=${encodeURIComponent(new Date().toISOString())}`);
    expect(ok.status).toBe(404);
    const offset = await owner.get('/api/explorer/activity/pg-none/sessions?at=2026-01-31T12:00:00%2B02:00');
    expect(offset.status).toBe(404);
  });

  it('answers 405 with an Allow header and the error shape to every method a documented path does not offer', async () => {
    let checked = 0;
    for (const [path, item] of Object.entries(doc.paths)) {
      const offered = Object.keys(item).map((m) => m.toUpperCase());
      const allow = [...offered, ...(offered.includes('GET') ? ['HEAD'] : [])].sort().join(', ');
      for (const method of METHODS.filter((m) => !offered.includes(m))) {
        const res = await owner.request(method, fill(path), method === 'GET' ? undefined : {});
        const label = `${method} ${path} → ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`;
        expect(res.status, label).toBe(405);
        expect(res.headers.get('allow'), label).toBe(allow);
        expect(res.body.error, label).toMatchObject({ code: 'method_not_allowed', message: expect.any(String) });
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(50);
    // A concrete path wins over a template it also matches: DELETE /api/invitations/accept is not a revocation.
    const accept = await owner.request('DELETE', '/api/invitations/accept');
    expect([accept.status, accept.headers.get('allow')]).toEqual([405, 'POST']);
    // OPTIONS says what is offered.
    const options = await owner.request('OPTIONS', '/api/users/x');
    expect([options.status, options.headers.get('allow')]).toEqual([204, 'DELETE, GET, HEAD']);
    // An unknown path is still a 404.
    expect((await owner.request('DELETE', '/api/no-such-thing')).status).toBe(404);
  });
});
