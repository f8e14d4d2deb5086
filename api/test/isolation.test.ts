import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAcceptedRisk, insertDelivery, listAlertRules, readPayloadBody, recordEpisode, saveHealthReport, type Role } from '@logstag/store';
import { ROLES, roleHas } from '../src/auth/permissions';
import { ApiClient, signedIn, type ApiResponse } from './accounts-client';
import { orgWithRoles, type OrgWithRoles } from './accounts-fixtures';
import { collectionPayload, postPayload, startTestContext, waitFor, type StoreBackend, type TestContext } from './context';
import { registeredRoutes, type RegisteredRoute } from './isolation-routes';

/**
 * Bodies that pass validation, for routes that validate before they look the object up: with them the request reaches
 * the lookup, so a foreign id must be what produces the 404. A new such route fails the foreign-id test until it is
 * given one here.
 */
const VALID_BODIES: Record<string, unknown> = {
  'PATCH /api/users/:id/role': { role: 'member' },
  'POST /api/agent-keys/:id/rotate': { overlapSeconds: 0 },
  'PUT /api/health/targets/:targetId/settings': { frequency: 'standard', colocated: false, memoryBytes: null },
  'PUT /api/alert-rules/:id': { name: 'r', severity: 'info', condition: { kind: 'threshold', metric: 'connections.used', comparator: '>', value: 1, forSeconds: 0, clearForSeconds: 0 } },
  'PUT /api/escalation-policies/:id': { name: 'p', tiers: [{ delaySeconds: 0, recipients: [] }] },
  'POST /api/alerts/:id/snooze': { until: '2999-01-01T00:00:00Z' },
};

/** The only routes reachable without a session. Adding one is a security decision: make it here, visibly. */
// GET /api/openapi.json describes the API's shape and holds no tenant data.
const PUBLIC_ROUTES = ['POST /api/session', 'GET /api/setup', 'POST /api/setup', 'POST /api/invitations/accept', 'GET /api/openapi.json'];

/** Query strings that pass validation, for routes that validate their query before they look the object up. */
const VALID_QUERIES: Record<string, string> = {
  'GET /api/explorer/databases/:targetId/series': '?metric=connections.total',
  'GET /api/explorer/queries/:targetId/query': '?fingerprint=0123456789abcdef',
};

const routeKey = (r: RegisteredRoute) => `${r.method} ${r.path}`;
const hasBody = (method: string) => !['GET', 'HEAD', 'DELETE'].includes(method);

/**
 * What a path parameter refers to: its own name when that is specific (`:targetId` → `targetId`), else the collection
 * segment before it (`/api/agent-keys/:id` → `agent-keys`).
 */
function kindOf(segments: string[], i: number): string {
  const name = segments[i]?.slice(1) ?? '';
  return name === 'id' ? (segments[i - 1] ?? '') : name;
}

function paramKindsOf(path: string): string[] {
  const segments = path.split('/');
  return segments.flatMap((s, i) => (s.startsWith(':') ? [kindOf(segments, i)] : []));
}

function fillPath(path: string, idFor: (kind: string) => string): string {
  const segments = path.split('/');
  return segments.map((s, i) => (s.startsWith(':') ? encodeURIComponent(idFor(kindOf(segments, i))) : s)).join('/');
}

describe.each<StoreBackend>(['pglite', 'postgres'])('tenant isolation and the role matrix over every registered route (%s store)', (backend) => {
  let ctx: TestContext;
  let a: OrgWithRoles;
  let b: OrgWithRoles;
  let routes: RegisteredRoute[];
  /** Ids of organization B's objects, by the collection name routes use. */
  let foreign: Record<string, string>;
  /** Strings that only organization B's data contains. */
  let markers: string[];

  beforeAll(async () => {
    ctx = await startTestContext(backend);
    a = await orgWithRoles(ctx, 'Org A');
    b = await orgWithRoles(ctx, 'Org B');
    const invitation = await b.clients.owner.post('/api/invitations', { email: `pending-${randomUUID()}@example.com`, role: 'member' });
    const bTarget = `b-only-${randomUUID().slice(0, 8)}`;
    const bPayload = collectionPayload({ targetId: bTarget });
    expect((await postPayload(ctx.url, bPayload, { key: b.agentKey })).status).toBe(202);
    // Normalized into the explorer tables before anyone looks: B's target must really exist for the 404s to mean anything.
    await waitFor(async () => (await ctx.app.store.db.selectFrom('payloads').select('status').where('id', '=', bPayload.id).executeTakeFirst())?.status === 'stored', 30_000, 'B payload stored');
    foreign = { users: b.userIds.member, 'agent-keys': b.agentKeyId, invitations: invitation.body.invitation.id, targetId: bTarget, payloads: bPayload.id };
    // B's integration and one of its deliveries (issue 16).
    const bIntegration = await b.clients.owner.post('/api/integrations', { kind: 'webhook', name: 'B hook', config: { url: 'https://example.com/hook' }, secrets: { signingSecret: `whsec_${Buffer.alloc(32, 1).toString('base64')}` } });
    const bDelivery = await insertDelivery(ctx.app.store.db, { id: randomUUID(), organizationId: b.organizationId, integrationId: bIntegration.body.id, kind: 'webhook', idempotencyKey: randomUUID(), episodeId: 'b-episode', alertId: 'b-alert', event: 'trigger', profile: 'durable', request: {}, replayOf: null });
    Object.assign(foreign, { integrations: bIntegration.body.id as string, deliveries: bDelivery.id });
    // B's health report and accepted risk (issue 17).
    const bReport = randomUUID();
    await saveHealthReport(ctx.app.store.db, { id: bReport, organizationId: b.organizationId, targetId: bTarget, engine: 'postgresql', createdAt: new Date(), windowHours: 24, trigger: 'manual', score: 50, scores: {}, counts: { pass: 0, fail: 0, skipped: 0, findings: 0, accepted: 0 }, results: [], diff: [], previousId: null, eolAsOf: '2026-12-01', findings: [], ranRules: [] });
    const bRisk = await createAcceptedRisk(ctx.app.store.db, { organizationId: b.organizationId, targetId: bTarget, ruleId: 'pg.config.fsync-off', object: 'fsync', reason: 'B only', expiresAt: new Date(Date.now() + 86_400_000), createdBy: b.emails.admin });
    Object.assign(foreign, { reports: bReport, 'accepted-risks': String(bRisk.id) });
    // B's alert rule (the default pack), escalation policy and an alert episode (issue 15).
    const bRule = (await listAlertRules(ctx.app.store.db, b.organizationId))[0]!;
    const bPolicy = await b.clients.owner.post('/api/escalation-policies', { name: 'B policy', tiers: [{ delaySeconds: 60, recipients: [] }] });
    const bEpisode = randomUUID();
    const t = new Date().toISOString();
    await recordEpisode(ctx.app.store.db, { id: bEpisode, organizationId: b.organizationId, fingerprint: `${bRule.id}:${bTarget}`, workflowId: `alert:${b.organizationId}:${bRule.id}:${bTarget}`, ruleId: bRule.id, ruleName: bRule.name, targetId: bTarget, agentId: null, labels: {}, status: 'resolved', severity: 'warning', summary: 'B only', values: {}, startedAt: t, firingAt: t, acknowledgedAt: null, acknowledgedBy: null, snoozedUntil: null, resolvedAt: t, resolveReason: 'resolved', updatedAt: t }, []);
    Object.assign(foreign, { 'alert-rules': bRule.id, 'escalation-policies': bPolicy.body.id as string, alerts: bEpisode });
    const bSilence = await b.clients.owner.post('/api/silences', { matchers: { targetIds: [bTarget] }, reason: 'B only', endsAt: new Date(Date.now() + 3600_000).toISOString() });
    const bWindow = await b.clients.owner.post('/api/maintenance-windows', { name: 'B window', matchers: { targetIds: [bTarget] }, start: '2030-01-01T02:00', durationMinutes: 60, timeZone: 'UTC' });
    Object.assign(foreign, { silences: bSilence.body.id as string, 'maintenance-windows': bWindow.body.id as string });
    const bKey = (await b.clients.owner.get(`/api/agent-keys/${b.agentKeyId}`)).body;
    markers = [b.organizationId, ...Object.values(b.userIds), ...Object.values(b.emails), b.agentKeyId, bKey.prefix, invitation.body.invitation.id, bTarget, 'Org B'];
    routes = registeredRoutes(ctx.app.express).filter((r) => r.path.startsWith('/api/'));
  });
  afterAll(async () => {
    await ctx?.stop();
  });

  /** Organization B as its owner sees it, plus its rows: compared before and after A's attempts. */
  async function snapshotOfB() {
    const db = ctx.app.store.db;
    const org = b.organizationId;
    return {
      organization: await db.selectFrom('organizations').selectAll().where('id', '=', org).execute(),
      users: await db.selectFrom('users').selectAll().where('organization_id', '=', org).orderBy('id').execute(),
      keys: await db.selectFrom('agent_keys').select(['id', 'name', 'prefix', 'key_hash', 'expires_at', 'revoked_at']).where('organization_id', '=', org).orderBy('id').execute(),
      invitations: await db.selectFrom('invitations').selectAll().where('organization_id', '=', org).orderBy('id').execute(),
      audit: await db.selectFrom('audit_events').select(['id', 'action']).where('organization_id', '=', org).orderBy('id').execute(),
      payloads: await db.selectFrom('payloads').select(['id', 'body_raw', 'body_encoding']).where('organization_id', '=', org).orderBy('id').execute(),
    };
  }

  it('finds the account routes by walking the router stack', () => {
    const keys = routes.map(routeKey);
    for (const expected of ['GET /api/users', 'PATCH /api/users/:id/role', 'DELETE /api/agent-keys/:id', 'GET /api/audit-events', 'PATCH /api/organization']) {
      expect(keys).toContain(expected);
    }
  });

  it('has every /api route declare its access, and only sign-in, setup and invitation acceptance are public', () => {
    const undeclared = routes.filter((r) => !r.access).map(routeKey);
    expect(undeclared, 'add requirePermission(…), requireSession() or publicRoute() to these routes').toEqual([]);
    expect(routes.filter((r) => r.access?.kind === 'public').map(routeKey).sort()).toEqual([...PUBLIC_ROUTES].sort());
  });

  it('answers 401 with the JSON error shape to every non-public /api route without a session', async () => {
    const anon = new ApiClient(ctx.url);
    for (const r of routes.filter((x) => x.access?.kind !== 'public')) {
      const res = await anon.request(r.method, fillPath(r.path, () => randomUUID()), hasBody(r.method) ? {} : undefined);
      expect(res.status, routeKey(r)).toBe(401);
      expect(res.body.error.code, routeKey(r)).toBe('unauthenticated');
    }
  });

  it('gives each role exactly what the permission matrix says, on every route', async () => {
    for (const r of routes.filter((x) => x.access?.kind !== 'public')) {
      for (const role of ROLES) {
        // Signing out ends the session it is sent with: use a throw-away one.
        const client = r.method === 'DELETE' && r.path === '/api/session' ? await signedIn(ctx, a.emails[role], a.passwords[role]) : a.clients[role];
        // Unknown ids and empty bodies: an allowed role gets 404 or 400, never a change; a denied one gets 403 first.
        const res: ApiResponse = await client.request(r.method, fillPath(r.path, () => randomUUID()), hasBody(r.method) ? {} : undefined);
        const allowed = r.access?.kind !== 'permission' || roleHas(role, r.access.permission);
        const label = `${role} ${routeKey(r)} → ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`;
        if (allowed) {
          expect([401, 403], label).not.toContain(res.status);
          expect(res.status, label).toBeLessThan(500);
        } else {
          expect(res.status, label).toBe(403);
          expect(res.body.error.code, label).toBe('forbidden');
        }
      }
    }
  });

  it('answers 404 (never 403) for another organization’s object ids on every route with an id, and changes nothing of it', async () => {
    const before = await snapshotOfB();
    const withIds = routes.filter((r) => r.path.includes('/:'));
    expect(withIds.length).toBeGreaterThan(0);
    for (const r of withIds) {
      for (const c of paramKindsOf(r.path)) expect(foreign[c], `no foreign fixture for "${c}" (${routeKey(r)}): add one in beforeAll`).toBeDefined();
      for (const role of ROLES) {
        if (r.access?.kind === 'permission' && !roleHas(role, r.access.permission)) continue; // 403 whatever the id
        const body = hasBody(r.method) ? (VALID_BODIES[routeKey(r)] ?? {}) : undefined;
        const query = VALID_QUERIES[routeKey(r)] ?? '';
        const url = `${fillPath(r.path, (c) => foreign[c] ?? '')}${query}`;
        const res = await a.clients[role].request(r.method, url, body);
        const label = `${role} ${routeKey(r)} → ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`;
        expect(res.status, label).toBe(404);
        expect(res.body.error.code, label).toBe('not_found');
        // Echoing the id the caller sent is fine; anything else of B's is a leak.
        for (const m of markers.filter((x) => !url.includes(encodeURIComponent(x)))) expect(JSON.stringify(res.body), label).not.toContain(m);
      }
    }
    expect(await snapshotOfB()).toEqual(before);
    // B's users are still signed in and B's key still ingests.
    expect((await b.clients.member.get('/api/session')).status).toBe(200);
    expect((await postPayload(ctx.url, collectionPayload(), { key: b.agentKey })).status).toBe(202);
  });

  it('never shows another organization’s data in any list or read without an id', async () => {
    for (const r of routes.filter((x) => x.method === 'GET' && !x.path.includes('/:') && x.access?.kind !== 'public')) {
      for (const role of ROLES) {
        const res = await a.clients[role].get(r.path);
        const text = typeof res.body === 'string' ? res.body : JSON.stringify(res.body);
        for (const m of markers) expect(text, `${role} ${routeKey(r)} shows "${m}"`).not.toContain(m);
      }
    }
    // The check has teeth: B's owner does see B's data on the same routes.
    expect(JSON.stringify((await b.clients.owner.get('/api/users')).body)).toContain(b.emails.member);
  });

  it('offers no route that changes or deletes audit events', () => {
    const writes = routes.filter((r) => r.path.startsWith('/api/audit-events') && r.method !== 'GET');
    expect(writes.map(routeKey)).toEqual([]);
  });

  it('stores an agent key’s payloads in its own organization, and another organization cannot take over a payload id', async () => {
    const payload = collectionPayload();
    expect((await postPayload(ctx.url, payload, { key: b.agentKey })).status).toBe(202);
    const hijack = await postPayload(ctx.url, { ...payload, data: { forged: true } }, { key: a.agentKey });
    expect(hijack.status).toBe(409);
    const row = await ctx.app.store.db.selectFrom('payloads').select(['organization_id', 'body_raw', 'body_encoding']).where('id', '=', payload.id).executeTakeFirstOrThrow();
    expect(row.organization_id).toBe(b.organizationId);
    expect(await readPayloadBody(row)).toMatchObject({ data: { connections: { total: 3, max: 100 } } });
  });

  it('keeps each organization’s audit log to itself', async () => {
    const res = await a.clients.owner.get('/api/audit-events?limit=200');
    expect(res.body.items.length).toBeGreaterThan(0);
    for (const m of markers) expect(JSON.stringify(res.body)).not.toContain(m);
    const csv = await a.clients.owner.get<string>('/api/audit-events.csv');
    for (const m of markers) expect(csv.body).not.toContain(m);
  });
});

// Roles are typed; keep the test honest if a role is added.
const _roles: readonly Role[] = ROLES;
void _roles;
