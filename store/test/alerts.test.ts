// The alerts area of the store on PGlite and PostgreSQL: the default rule pack (new organizations and, by migration,
// existing ones), the evaluator's transitions, escalation policies' single default, and idempotent episode writes.
import { randomUUID } from 'node:crypto';
import { Kysely, Migrator, PostgresDialect } from 'kysely';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RULE_PACK } from '@logstag/schema';
import {
  enabledAlertRules,
  episodeTimeline,
  deleteMaintenanceWindow,
  expireSilence,
  insertEscalationPolicy,
  insertMaintenanceWindow,
  insertSilence,
  listMaintenanceWindows,
  listSilences,
  insertOrganization,
  listActiveEpisodes,
  listAlertRules,
  listEscalationPolicies,
  recordConditionObservations,
  recordEpisode,
  seedDefaultAlertRules,
  type ConditionObservation,
  type EpisodeRecord,
} from '../src/index';
import { migrations } from '../src/migrations/index';
import { createTestDatabase } from '../src/testing';
import { backends, suiteStore } from './backends';

describe.each(backends)('alerts store (%s)', (_name, open) => {
  const store = suiteStore(open);

  it('seeds the default rule pack for a new organization, each rule enabled and named by its pack key', async () => {
    const org = randomUUID();
    await insertOrganization(store.db, org, 'Acme');
    await seedDefaultAlertRules(store.db, org);
    const rules = await listAlertRules(store.db, org);
    expect(rules.map((r) => r.packKey).sort()).toEqual(DEFAULT_RULE_PACK.map((p) => p.key).sort());
    expect(rules.every((r) => r.enabled)).toBe(true);
    expect((await enabledAlertRules(store.db, [org], ['absence'])).map((r) => r.packKey).sort()).toEqual(['agent-silent', 'target-silent']);
  });

  it('returns transitions only: started once, nothing while it holds, severity changed, cleared once; older observations ignored', async () => {
    const org = randomUUID();
    const obs = (breaching: boolean, at: number, severity: 'warning' | 'critical' | null = breaching ? 'warning' : null): ConditionObservation => ({
      organizationId: org,
      fingerprint: 'r1:pg-1',
      ruleId: 'r1',
      ruleVersion: 1,
      subjectId: 'pg-1',
      labels: {},
      breaching,
      severity,
      value: 1,
      observedAt: new Date(1_800_000_000_000 + at * 1000),
    });
    const changes = async (o: ConditionObservation) => (await store.db.transaction().execute((trx) => recordConditionObservations(trx, [o]))).map((t) => t.change);
    expect(await changes(obs(false, 0))).toEqual([]);
    expect(await changes(obs(true, 10))).toEqual(['started']);
    expect(await changes(obs(true, 20))).toEqual([]);
    expect(await changes(obs(true, 30, 'critical'))).toEqual(['severity']);
    expect(await changes(obs(false, 5))).toEqual([]);
    expect(await changes(obs(false, 40))).toEqual(['cleared']);
    expect(await changes(obs(false, 50))).toEqual([]);
  });

  it('keeps one default escalation policy per organization', async () => {
    const org = randomUUID();
    await insertOrganization(store.db, org, 'Acme');
    const tier = { delaySeconds: 60, recipients: [{ kind: 'integration' as const, integrationId: 'i1' }] };
    await insertEscalationPolicy(store.db, org, { name: 'a', tiers: [tier], repeat: 0, ackTimeoutSeconds: null, isDefault: true });
    await insertEscalationPolicy(store.db, org, { name: 'b', tiers: [tier], repeat: 2, ackTimeoutSeconds: 1800, isDefault: true });
    const policies = await listEscalationPolicies(store.db, org);
    expect(policies.map((p) => [p.name, p.isDefault])).toEqual([
      ['a', false],
      ['b', true],
    ]);
  });

  it('writes an episode and its events idempotently and never back in time; lists active episodes critical first', async () => {
    const org = randomUUID();
    const ep = (id: string, severity: 'warning' | 'critical', updatedAt: string, status: EpisodeRecord['status'] = 'firing'): EpisodeRecord => ({
      id,
      organizationId: org,
      fingerprint: `r:${id}`,
      workflowId: `alert:${org}:r:${id}`,
      ruleId: 'r',
      ruleName: 'rule',
      targetId: 'pg-1',
      agentId: null,
      labels: {},
      status,
      severity,
      summary: '<b>x</b>',
      values: { value: 3 },
      startedAt: '2026-12-05T10:00:00Z',
      firingAt: '2026-12-05T10:01:00Z',
      acknowledgedAt: null,
      acknowledgedBy: null,
      snoozedUntil: null,
      resolvedAt: null,
      resolveReason: null,
      updatedAt,
    });
    const event = { id: 'e1:1', organizationId: org, episodeId: 'e1', seq: 1, ts: '2026-12-05T10:01:00Z', kind: 'firing', actor: 'system', reason: null, data: {} };
    await recordEpisode(store.db, ep('e1', 'warning', '2026-12-05T10:01:00Z'), [event]);
    await recordEpisode(store.db, ep('e1', 'warning', '2026-12-05T10:02:00Z', 'acknowledged'), [event]);
    await recordEpisode(store.db, ep('e1', 'warning', '2026-12-05T10:01:30Z', 'firing'), [event]);
    await recordEpisode(store.db, ep('e2', 'critical', '2026-12-05T10:01:00Z'), []);
    expect(await episodeTimeline(store.db, org, 'e1')).toHaveLength(1);
    const active = await listActiveEpisodes(store.db, org);
    expect(active.map((e) => [e.id, e.status])).toEqual([
      ['e2', 'firing'],
      ['e1', 'acknowledged'],
    ]);
    // A filter applies before the limit: the one warning on pg-2 is found though two critical ones sort before it.
    await recordEpisode(store.db, { ...ep('e3', 'warning', '2026-12-05T10:03:00Z'), targetId: 'pg-2' }, []);
    await recordEpisode(store.db, { ...ep('e4', 'critical', '2026-12-05T10:03:00Z'), targetId: 'pg-3' }, []);
    expect((await listActiveEpisodes(store.db, org, 2, { targetId: 'pg-2' })).map((e) => e.id)).toEqual(['e3']);
    expect((await listActiveEpisodes(store.db, org, 1, { severity: 'warning' })).map((e) => e.id)).toEqual(['e1']);
  });
});

describe.each(backends)('silences and maintenance windows (%s)', (_name, open) => {
  const store = suiteStore(open);

  it('lists silences until they end or are expired, and windows until removed', async () => {
    const org = randomUUID();
    await insertOrganization(store.db, org, 'Acme');
    const now = new Date('2026-12-05T12:00:00Z');
    const s = await insertSilence(store.db, org, { matchers: { ruleIds: [], targetIds: ['pg-1'], tags: {} }, reason: 'drill', createdBy: 'a@example.com', startsAt: now, endsAt: new Date('2026-12-05T13:00:00Z') });
    expect((await listSilences(store.db, org, now)).map((x) => x.id)).toEqual([s.id]);
    expect(await listSilences(store.db, org, new Date('2026-12-05T13:00:00Z'))).toEqual([]);
    expect(await expireSilence(store.db, org, s.id)).toBe(true);
    expect(await listSilences(store.db, org, now)).toEqual([]);
    const w = await insertMaintenanceWindow(store.db, org, { name: 'Sunday', matchers: { targetIds: [], tags: { env: 'prod' } }, start: '2026-12-06T02:00', durationMinutes: 120, timeZone: 'Europe/Paris', rrule: 'FREQ=WEEKLY;BYDAY=SU' }, 'a@example.com');
    expect(await listMaintenanceWindows(store.db, org)).toEqual([expect.objectContaining({ id: w.id, timeZone: 'Europe/Paris', rrule: 'FREQ=WEEKLY;BYDAY=SU', matchers: { targetIds: [], tags: { env: 'prod' } } })]);
    expect(await deleteMaintenanceWindow(store.db, org, w.id)).toBe(true);
    expect(await listMaintenanceWindows(store.db, org)).toEqual([]);
  });
});

describe('migration 20261205T1500_alerts (PostgreSQL)', () => {
  it('adds the default rule pack to the organizations that existed before it', async () => {
    const tdb = await createTestDatabase();
    const db = new Kysely<any>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: tdb.url, max: 2 }) }) });
    try {
      const names = Object.keys(migrations);
      const before = Object.fromEntries(names.filter((n) => n < '20261205T1500').map((n) => [n, migrations[n]!]));
      await new Migrator({ db, provider: { getMigrations: async () => before } }).migrateToLatest();
      await db.insertInto('organizations').values({ id: 'old-org', name: 'Old' }).execute();
      const r = await new Migrator({ db, provider: { getMigrations: async () => migrations } }).migrateToLatest();
      expect(r.error).toBeUndefined();
      const rules = await db.selectFrom('alert_rules').select('pack_key').where('organization_id', '=', 'old-org').execute();
      expect(rules.map((x) => x.pack_key).sort()).toEqual(DEFAULT_RULE_PACK.map((p) => p.key).sort());
    } finally {
      await db.destroy();
      await tdb.drop();
    }
  });
});
