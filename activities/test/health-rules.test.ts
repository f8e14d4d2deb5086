// The health catalog on what the store holds of real recorded collections (api/test/fixtures: PostgreSQL 15,
// MariaDB 10.11, Redis 7.0, MongoDB 7.0 replies), each payload passed through the server's extractors.
import { describe, expect, it } from 'vitest';
import { ENGINES } from '@logstag/schema';
import { catalogMeta, DATA_CLASSES, evaluateCatalog, HEALTH_CATEGORIES, HEALTH_RULES, rulesOf, SEVERITIES, type RuleResult } from '@logstag/schema/health';
import { composeReport } from '../src/health';
import { inputFromRecorded } from './health-fixture-input';

const byId = (results: RuleResult[]) => new Map(results.map((r) => [r.ruleId, r]));

describe('the health catalog', () => {
  it('has at least the issue\'s count of rules per engine, each with every field a reader needs', () => {
    expect(rulesOf('postgresql').length).toBeGreaterThanOrEqual(45);
    expect(rulesOf('mysql').length).toBeGreaterThanOrEqual(55);
    expect(rulesOf('redis').length).toBeGreaterThanOrEqual(28);
    expect(rulesOf('mongodb').length).toBeGreaterThanOrEqual(32);
    expect(new Set(HEALTH_RULES.map((r) => r.id)).size).toBe(HEALTH_RULES.length);
    for (const m of catalogMeta()) {
      expect(m.id).toMatch(/^(pg|mysql|redis|mongodb)\.(performance|security|config|schema|maintenance)\.[a-z0-9-]+$/);
      expect(HEALTH_CATEGORIES).toContain(m.category);
      expect(SEVERITIES).toContain(m.severity);
      expect(DATA_CLASSES).toContain(m.dataClass);
      for (const field of [m.title, m.evidence, m.explanation, m.fix, m.anchor, m.versions]) expect(field.length).toBeGreaterThan(3);
    }
  });

  it('runs every rule of every engine on the recorded payloads without throwing, each rule once', () => {
    for (const engine of ENGINES) {
      const results = evaluateCatalog(inputFromRecorded(engine), HEALTH_RULES);
      expect(results.map((r) => r.ruleId)).toEqual(rulesOf(engine).map((r) => r.id));
      for (const r of results) {
        if (r.status === 'skipped') expect(r.reason, r.ruleId).toMatch(/\w{3,}/);
        else expect(r.reason).toBeNull();
        expect(r.status === 'fail').toBe(r.findings.length > 0);
      }
    }
  });
});

describe('PostgreSQL rules on a recorded PostgreSQL 15', () => {
  const results = byId(evaluateCatalog(inputFromRecorded('postgresql'), HEALTH_RULES));

  it('finds the recorded server\'s real problems, per object', () => {
    expect(results.get('pg.config.fsync-off')?.findings.map((f) => f.object)).toEqual(['fsync']);
    expect(results.get('pg.config.full-page-writes-off')?.status).toBe('fail');
    expect(results.get('pg.schema.fk-without-index')?.findings.map((f) => f.object)).toEqual(['logstag_fixture_shop.public.orders.orders_customer_id_fkey']);
    // The recorded runtime snapshots hold a session blocked for 29 s: read from every snapshot of the window.
    expect(results.get('pg.performance.blocked-sessions')?.findings[0]).toMatchObject({ object: 'pid 714', evidence: { blockedBy: '713' } });
  });

  it('passes what the recorded server does right', () => {
    for (const id of ['pg.maintenance.xid-wraparound', 'pg.security.md5-passwords', 'pg.schema.no-primary-key', 'pg.config.pg-stat-statements-missing']) expect(results.get(id)?.status, id).toBe('pass');
  });

  it('never passes a rule it cannot run: host facts, young statistics and data not stored yet say why', () => {
    expect(results.get('pg.config.shared-buffers-ram')).toMatchObject({ status: 'skipped', reason: expect.stringContaining('host facts') });
    expect(results.get('pg.performance.unused-index')).toMatchObject({ status: 'skipped', reason: expect.stringContaining('statistics too young') });
    // Issue 14 stores the maintenance times the recorded collections carry: the rule runs (the recorded tables were
    // vacuumed and analyzed, or are under a thousand rows).
    expect(results.get('pg.maintenance.never-vacuumed')).toMatchObject({ status: 'pass' });
    expect(results.get('pg.maintenance.inactive-slot')).toMatchObject({ status: 'skipped', reason: expect.stringContaining('replication_slots') });
  });

  it('skips every settings rule when no settings snapshot is stored, and runs host rules once the RAM is configured', () => {
    const noSettings = evaluateCatalog(inputFromRecorded('postgresql', { settings: null }), HEALTH_RULES);
    expect(noSettings.find((r) => r.ruleId === 'pg.config.fsync-off')).toMatchObject({ status: 'skipped', reason: expect.stringContaining('no settings snapshot') });
    const withRam = byId(evaluateCatalog(inputFromRecorded('postgresql', { host: { colocated: false, memoryBytes: 64 * 1024 ** 3 } }), HEALTH_RULES));
    // shared_buffers is 128 MB on the recorded server: far below 15 % of 64 GB.
    expect(withRam.get('pg.config.shared-buffers-ram')?.status).toBe('fail');
  });

  it('reports a rule as skipped with the collector\'s error when the agent said it lacked a privilege', () => {
    const rule = HEALTH_RULES.find((r) => r.id === 'pg.maintenance.xid-wraparound')!;
    const input = inputFromRecorded('postgresql', { errors: [{ collector: 'databases', message: 'permission denied for function pg_database_size', code: '42501' }] });
    const [result] = evaluateCatalog(input, [{ ...rule, collectors: ['databases'] }]);
    expect(result).toMatchObject({ status: 'skipped', reason: 'collector databases failed on this target: permission denied for function pg_database_size' });
  });

  it('applies an organization\'s threshold overrides and disabled rules', () => {
    const input = inputFromRecorded('postgresql');
    const strict = byId(evaluateCatalog(input, HEALTH_RULES, { thresholds: { 'pg.performance.blocked-sessions': { seconds: 60 } }, disabled: ['pg.config.fsync-off'] }));
    expect(strict.get('pg.performance.blocked-sessions')?.status).toBe('pass');
    expect(strict.has('pg.config.fsync-off')).toBe(false);
  });
});

describe('MySQL/MariaDB rules on a recorded MariaDB 10.11', () => {
  const results = byId(evaluateCatalog(inputFromRecorded('mysql'), HEALTH_RULES));

  it('finds the account at % and the durability settings, and tells MariaDB\'s statement timeout from MySQL\'s', () => {
    expect(results.get('mysql.security.wildcard-host')?.findings.map((f) => f.object)).toEqual(['logstag_admin@%']);
    expect(results.get('mysql.config.flush-log-at-commit')?.findings[0]?.evidence).toMatchObject({ value: '2' });
    expect(results.get('mysql.config.statement-timeout')?.findings[0]?.object).toBe('max_statement_time');
    // The query cache rule applies to MariaDB (MySQL 8 removed the cache), and the recorded server has it off.
    expect(results.get('mysql.performance.query-cache')?.status).toBe('pass');
  });

  it('skips the password rule as not readable: the recorded view predates has_password (the hash is never read)', () => {
    expect(results.get('mysql.security.empty-password')).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/^not readable: .*has_password/) });
  });
});

describe('Redis rules on a recorded Redis 7.0', () => {
  const results = byId(evaluateCatalog(inputFromRecorded('redis'), HEALTH_RULES));

  it('finds maxmemory unset, no persistence and the default user without a password', () => {
    expect(results.get('redis.config.maxmemory-unset')?.status).toBe('fail');
    expect(results.get('redis.config.no-persistence')?.status).toBe('fail');
    expect(results.get('redis.security.default-user-nopass')?.findings.map((f) => f.object)).toEqual(['default']);
    // maxmemory 0: the "near maxmemory" rule cannot say anything and says why.
    expect(results.get('redis.performance.maxmemory-near')).toMatchObject({ status: 'skipped', reason: expect.stringContaining('unlimited') });
  });

  it('reads the end-of-life table with its date', () => {
    expect(results.get('redis.config.version-eol')?.findings[0]?.evidence).toMatchObject({ endOfLife: '2025-07-31', tableAsOf: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) });
  });
});

describe('MongoDB rules on recorded MongoDB replies', () => {
  const results = byId(evaluateCatalog(inputFromRecorded('mongodb'), HEALTH_RULES));

  it('finds the bind to all interfaces but not authorization, which the recorded server enables', () => {
    expect(results.get('mongodb.security.bind-all')?.findings[0]?.evidence).toMatchObject({ value: '*' });
    expect(results.get('mongodb.security.authorization-disabled')?.status).toBe('pass');
    expect(results.get('mongodb.performance.no-primary')?.status).toBe('pass');
  });

  it('finds left-prefix indexes from the recorded listIndexes', () => {
    expect(results.get('mongodb.schema.redundant-index')?.findings.map((f) => f.object)).toContain('test.foo.name_1');
  });

  it('does not apply the journal rule to 7.0 and says so', () => {
    expect(results.get('mongodb.config.journal-disabled')).toMatchObject({ status: 'skipped', reason: expect.stringContaining('does not apply') });
  });
});

// Issue 14 stores the sessions' backend_type: autovacuum saturation is read from the window's runtime snapshots.
describe('autovacuum workers all busy', () => {
  const worker = (id: string, backendType?: string) => ({ id, user: null, database: 'shop', client: null, state: 'active', waitType: null, wait: null, query: 'autovacuum: VACUUM public.orders', durationSeconds: 60, blockedBy: [], ...(backendType ? { backendType } : {}) });
  const run = (samples: Array<Array<ReturnType<typeof worker>>>) => {
    const input = inputFromRecorded('postgresql');
    const max = Number(input.settings!.items.find((i) => i.name === 'autovacuum_max_workers')?.def.setting ?? 3);
    const activity = samples.map((sessions, i) => ({ ts: new Date(Date.UTC(2026, 11, 5, 12, 0, i * 10)).toISOString(), sessions, lockWaits: [], connections: null, replication: [] }));
    return { max, result: byId(evaluateCatalog({ ...input, activity }, HEALTH_RULES)).get('pg.maintenance.autovacuum-workers')! };
  };
  const busy = (n: number, type?: string) => Array.from({ length: n }, (_, i) => worker(`w${i}`, type ?? 'autovacuum worker'));

  it('fails when every worker is busy in at least half the snapshots, passes otherwise', () => {
    const { max, result } = run([busy(3), busy(3), busy(3), busy(1)]);
    expect(max).toBe(3); // the recorded server's autovacuum_max_workers
    expect(result).toMatchObject({ status: 'fail', findings: [{ object: 'autovacuum', evidence: { maxWorkers: 3, saturatedSnapshots: 3, snapshots: 4 } }] });
    expect(run([busy(1), busy(2), [], busy(3)]).result.status).toBe('pass');
  });

  it('skips, saying why, when the snapshots carry no backend type (an agent from before issue 14)', () => {
    const old = [worker('a'), worker('b')].map(({ backendType: _drop, ...rest }: { backendType?: string } & ReturnType<typeof worker>) => rest);
    expect(run([old as never, old as never]).result).toMatchObject({ status: 'skipped', reason: expect.stringContaining('no backend type') });
  });
});

describe('a scheduled run of the due classes only', () => {
  it('evaluates the due classes and carries the other rules\' last results forward, so the report stays complete', () => {
    const input = inputFromRecorded('postgresql');
    const ledger = { open: [], fixedBefore: new Set<string>(), firstSeen: new Map<string, string>() };
    const full = composeReport(input, {}, new Set(), ledger);
    // The next run: only the frequent class is due, and the server's settings changed meanwhile (fsync back on).
    const settings = { ...input.settings!, items: input.settings!.items.map((i) => (i.name === 'fsync' ? { ...i, def: { ...i.def, setting: 'on' } } : i)) };
    const next = composeReport({ ...input, settings }, { frequencies: ['frequent'] }, new Set(), ledger, full.results);
    expect(next.results.map((r) => r.ruleId)).toEqual(full.results.map((r) => r.ruleId));
    // fsync-off is a standard rule: not due, its last result stands (marked carried) until its class runs.
    const fsync = next.results.find((r) => r.ruleId === 'pg.config.fsync-off')!;
    expect(fsync).toMatchObject({ carried: true, status: 'fail' });
    expect(next.ranRules).not.toContain('pg.config.fsync-off');
    // A frequent rule ran again.
    expect(next.results.find((r) => r.ruleId === 'pg.performance.blocked-sessions')?.carried).toBeUndefined();
    expect(next.ranRules).toContain('pg.performance.blocked-sessions');
    expect(next.score).toEqual(full.score);
  });
});
