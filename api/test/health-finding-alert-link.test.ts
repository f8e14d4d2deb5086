// The link between a Health Check finding and its alert, over HTTP on the whole app (PostgreSQL store, Temporal dev
// server, dispatcher and worker): recorded PostgreSQL collections (recorded with fsync off) go in through the ingest
// door, run-now reports, the default pack's "Health finding became critical" rule opens the finding's alert; the
// report API gives each finding its alert, and the alert API gives the finding's rule id, object and report id.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orgWithRoles, type OrgWithRoles } from './accounts-fixtures';
import { ingestRecordedPostgres } from './health-fixtures';
import { startTestContext, waitFor, type TestContext } from './context';

const TARGET = 'pg-shop';
const FSYNC = 'pg.config.fsync-off';

interface Finding { ruleId: string; object: string; severity: string; alert?: { id: string; status: string; severity: string } | null }
interface Report { id: string; results: Array<{ ruleId: string; findings: Finding[] }> }

describe('health finding ↔ alert link (API, PostgreSQL store, Temporal dev server)', () => {
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

  it('a critical finding of a report carries its alert, and the alert carries the finding\'s rule id, object and report id', async () => {
    expect((await a.clients.admin.post(`/api/health/targets/${TARGET}/run`)).status).toBe(202);
    const reportId = await waitFor(async () => {
      const r = await a.clients.member.get(`/api/health/targets/${TARGET}/reports`);
      return r.body.items?.[0]?.id as string | undefined;
    }, 30_000, 'a report');
    const finding = await waitFor(async () => {
      const r = (await a.clients.member.get(`/api/health/reports/${reportId}`)).body as Report;
      const f = r.results.find((x) => x.ruleId === FSYNC)?.findings.find((x) => x.object === 'fsync');
      return f?.alert ? f : null;
    }, 30_000, 'the fsync finding with its alert');
    expect(finding).toMatchObject({ severity: 'critical', alert: { severity: 'critical' } });
    // Findings that are not critical have no alert.
    const report = (await a.clients.member.get(`/api/health/reports/${reportId}`)).body as Report;
    const others = report.results.flatMap((r) => r.findings).filter((f) => f.severity !== 'critical');
    expect(others.length).toBeGreaterThan(0);
    expect(others.every((f) => f.alert === null)).toBe(true);

    const alert = await a.clients.member.get(`/api/alerts/${finding.alert!.id}`);
    expect(alert.status).toBe(200);
    const episode = alert.body.episode;
    expect(episode).toMatchObject({ targetId: TARGET, severity: 'critical', labels: { healthRuleId: FSYNC, object: 'fsync' }, values: { healthRuleId: FSYNC, object: 'fsync', reportId } });
    // Another organization sees neither.
    expect((await b.clients.member.get(`/api/alerts/${finding.alert!.id}`)).status).toBe(404);
    expect((await b.clients.member.get(`/api/health/reports/${reportId}`)).status).toBe(404);
  }, 90_000);
});
