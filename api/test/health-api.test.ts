// Health Check over HTTP on the whole app (PostgreSQL store, real Temporal dev server, dispatcher and worker): recorded
// PostgreSQL collections go in through the ingest door, run-now starts the healthReport workflow, the report is read
// back; rule settings and accepted risks are Admin actions, audit-logged; an expired risk counts again; organizations
// are held apart; a target's settings put its Schedule.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { v7 as uuidv7 } from 'uuid';
import { scheduleIds } from '@logstag/temporal/contracts';
import { orgWithRoles, type OrgWithRoles } from './accounts-fixtures';
import { ingestRecordedPostgres } from './health-fixtures';
import { postPayload, startTestContext, waitFor, type TestContext } from './context';

const TARGET = 'pg-shop';

interface Report {
  id: string;
  score: number | null;
  counts: { findings: number; accepted: number };
  results: Array<{ ruleId: string; status: string; reason: string | null; findings: Array<{ object: string; accepted: boolean; evidence: Record<string, unknown> }> }>;
  diff: Array<{ ruleId: string; object: string; state: string }>;
}

describe('Health Check API (PostgreSQL store, Temporal dev server)', () => {
  let ctx: TestContext;
  let a: OrgWithRoles;
  let b: OrgWithRoles;

  beforeAll(async () => {
    ctx = await startTestContext('postgres');
    [a, b] = [await orgWithRoles(ctx, 'Org A'), await orgWithRoles(ctx, 'Org B')];
    await ingestRecordedPostgres(ctx, a, TARGET);
  }, 90_000);
  afterAll(async () => {
    await ctx?.stop();
  });

  /** Runs a report now as an Admin and waits for it to be stored; returns it. */
  async function runNow(known: number): Promise<Report> {
    const started = await a.clients.admin.post(`/api/health/targets/${TARGET}/run`);
    expect(started.status).toBe(202);
    expect(started.body.workflowId).toMatch(new RegExp(`^health-report:${a.organizationId}:${TARGET}:now:`));
    const list = await waitFor(async () => {
      const r = await a.clients.member.get(`/api/health/targets/${TARGET}/reports`);
      return r.body.items?.length > known ? r.body.items : null;
    }, 30_000, 'a new report');
    return (await a.clients.member.get(`/api/health/reports/${list[0].id}`)).body as Report;
  }

  it('lists the catalog with anchors and lets Admins, not Members, change a rule (audit-logged)', async () => {
    const rules = await a.clients.member.get('/api/health/rules?engine=redis');
    expect(rules.status).toBe(200);
    expect(rules.body.rules.length).toBeGreaterThanOrEqual(28);
    expect(rules.body.rules.every((r: { engines: string[]; anchor: string }) => r.engines.includes('redis') && r.anchor.length > 3)).toBe(true);
    expect(rules.body.eolAsOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);

    const body = { ruleId: 'pg.performance.blocked-sessions', enabled: true, thresholds: { seconds: 30 } };
    expect((await a.clients.member.request('PUT', '/api/health/rule-settings', body)).status).toBe(403);
    expect((await a.clients.admin.request('PUT', '/api/health/rule-settings', { ...body, thresholds: { nope: 1 } })).status).toBe(400);
    const put = await a.clients.admin.request('PUT', '/api/health/rule-settings', body);
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ id: 'pg.performance.blocked-sessions', enabled: true, overrides: { seconds: 30 }, thresholds: { seconds: 10 } });
    const audit = await ctx.app.store.db.selectFrom('audit_events').selectAll().where('organization_id', '=', a.organizationId).where('action', '=', 'health.rule.updated').execute();
    expect(audit).toHaveLength(1);
    // Organization B keeps the catalog's defaults.
    const inB = await b.clients.member.get('/api/health/rules?engine=postgresql');
    expect(inB.body.rules.find((r: { id: string }) => r.id === 'pg.performance.blocked-sessions').overrides).toEqual({});
  });

  it('runs a report now through the workflow, with findings, evidence, skipped reasons and the organization\'s thresholds', async () => {
    const report = await runNow(0);
    const byId = new Map(report.results.map((r) => [r.ruleId, r]));
    expect(byId.get('pg.config.fsync-off')?.findings[0]).toMatchObject({ object: 'fsync', accepted: false, evidence: { value: 'off' } });
    // Rules that cannot run say why instead of passing: host facts are not declared for this target.
    expect(byId.get('pg.config.shared-buffers-ram')).toMatchObject({ status: 'skipped', reason: expect.stringContaining('host facts') });
    // The recorded lock wait lasted 29 s: found at the default 10 s, not at the organization's 30 s.
    expect(byId.get('pg.performance.blocked-sessions')?.status).toBe('pass');
    expect(report.diff.every((d) => d.state === 'new')).toBe(true);
    const fleet = await a.clients.member.get('/api/health/fleet');
    expect(fleet.body.items).toEqual([expect.objectContaining({ targetId: TARGET, engine: 'postgresql', reportId: report.id, score: report.score })]);
  }, 60_000);

  it('an accepted risk leaves the score until it expires, Admins only, audit-logged', async () => {
    const before = (await a.clients.member.get(`/api/health/targets/${TARGET}/reports`)).body.items.length as number;
    const risk = { targetId: TARGET, ruleId: 'pg.config.fsync-off', object: 'fsync', reason: 'benchmark replica, rebuilt nightly', expiresAt: new Date(Date.now() + 4_000).toISOString() };
    expect((await a.clients.member.post('/api/health/accepted-risks', risk)).status).toBe(403);
    expect((await b.clients.admin.post('/api/health/accepted-risks', risk)).status).toBe(404);
    const accepted = await a.clients.admin.post('/api/health/accepted-risks', risk);
    expect(accepted.status).toBe(201);
    expect(accepted.body).toMatchObject({ ruleId: 'pg.config.fsync-off', object: 'fsync', active: true, createdBy: a.emails.admin });

    const previous = (await a.clients.member.get(`/api/health/targets/${TARGET}/reports`)).body.items[0];
    const withRisk = await runNow(before);
    const fsync = withRisk.results.find((r) => r.ruleId === 'pg.config.fsync-off')!;
    expect(fsync.findings[0]?.accepted).toBe(true);
    expect(withRisk.counts.accepted).toBe(1);
    expect(withRisk.score!).toBeGreaterThan(previous.score);

    // After the expiry the finding counts again.
    await new Promise((r) => setTimeout(r, Math.max(0, new Date(risk.expiresAt).getTime() - Date.now() + 200)));
    const expired = await runNow(before + 1);
    expect(expired.results.find((r) => r.ruleId === 'pg.config.fsync-off')!.findings[0]?.accepted).toBe(false);
    expect(expired.score).toBe(previous.score);
    const risks = await a.clients.member.get(`/api/health/accepted-risks?targetId=${TARGET}`);
    expect(risks.body.items[0]).toMatchObject({ id: accepted.body.id, active: false });

    expect((await a.clients.admin.delete(`/api/health/accepted-risks/${accepted.body.id}`)).status).toBe(204);
    const actions = (await ctx.app.store.db.selectFrom('audit_events').select('action').where('organization_id', '=', a.organizationId).where('action', 'like', 'health.risk.%').execute()).map((e) => e.action);
    expect(actions.sort()).toEqual(['health.risk.accepted', 'health.risk.revoked']);
  }, 60_000);

  it('keeps organizations apart', async () => {
    const report = (await a.clients.member.get(`/api/health/targets/${TARGET}/reports`)).body.items[0];
    expect((await b.clients.member.get(`/api/health/reports/${report.id}`)).status).toBe(404);
    expect((await b.clients.member.get(`/api/health/targets/${TARGET}/reports`)).status).toBe(404);
    expect((await b.clients.admin.post(`/api/health/targets/${TARGET}/run`)).status).toBe(404);
    expect((await b.clients.member.get('/api/health/fleet')).body.items).toEqual([]);
  });

  it('a target\'s settings put its Schedule on the chosen class (audit-logged)', async () => {
    expect((await a.clients.member.request('PUT', `/api/health/targets/${TARGET}/settings`, { frequency: 'rare', colocated: true, memoryBytes: null })).status).toBe(403);
    const put = await a.clients.admin.request('PUT', `/api/health/targets/${TARGET}/settings`, { frequency: 'rare', colocated: true, memoryBytes: null });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ frequency: 'rare', colocated: true, scheduled: true });
    const handle = ctx.temporal.client.schedule.getHandle(scheduleIds.healthReport(a.organizationId, TARGET));
    const desc = await handle.describe();
    expect(desc.spec.intervals?.[0]?.every).toBe(78 * 3_600_000);
    await handle.delete();
    expect((await a.clients.member.get(`/api/health/targets/${TARGET}/settings`)).body).toMatchObject({ frequency: 'rare', colocated: true, scheduled: true });
  });

  it('runs the host-relative rules once the target is co-located with an agent whose heartbeat gives the RAM', async () => {
    const before = (await a.clients.member.get(`/api/health/targets/${TARGET}/reports`)).body.items.length as number;
    // The recorded heartbeat of the agent that collected the target (25 GB of RAM).
    const heartbeat = { ...(JSON.parse(readFileSync(new URL('./fixtures/heartbeat.jsonl', import.meta.url), 'utf8').trim().split('\n')[0]!) as Record<string, unknown>), id: uuidv7(), collectedAt: new Date().toISOString() };
    expect((await postPayload(ctx.url, heartbeat, { key: a.agentKey })).status).toBe(202);
    await waitFor(async () => (await ctx.app.store.db.selectFrom('agents').select('facts').where('organization_id', '=', a.organizationId).executeTakeFirst()) !== undefined, 30_000, 'the heartbeat stored');
    const report = await runNow(before);
    // shared_buffers is 128 MB on the recorded server: far below 15 % of 25 GB.
    expect(report.results.find((r) => r.ruleId === 'pg.config.shared-buffers-ram')).toMatchObject({ status: 'fail' });
  }, 60_000);

  it('downloads a report as HTML and as PDF printed by Chromium', async () => {
    const report = (await a.clients.member.get(`/api/health/targets/${TARGET}/reports`)).body.items[0];
    const html = await a.clients.member.get(`/api/health/reports/${report.id}/report.html`);
    expect(html.status).toBe(200);
    expect(html.headers.get('content-disposition')).toMatch(/^attachment; filename="health-pg-shop-.*\.html"$/);
    expect(html.body).toContain('Health report of pg-shop');
    expect(html.body).toContain('fsync is off');
    const pdf = await fetch(`${ctx.url}/api/health/reports/${report.id}/report.pdf`, { headers: { cookie: a.clients.member.cookie! } });
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(Buffer.from(await pdf.arrayBuffer()).subarray(0, 5).toString()).toBe('%PDF-');
    expect((await b.clients.member.get(`/api/health/reports/${report.id}/report.html`)).status).toBe(404);
  }, 60_000);

  it('documents every Health Check route in the OpenAPI document', async () => {
    const doc = (await (await fetch(`${ctx.url}/api/openapi.json`)).json()) as { paths: Record<string, unknown> };
    for (const p of ['/api/health/rules', '/api/health/fleet', '/api/health/reports/{id}', '/api/health/accepted-risks', '/api/health/targets/{targetId}/run']) expect(doc.paths).toHaveProperty([p]);
  });
});
