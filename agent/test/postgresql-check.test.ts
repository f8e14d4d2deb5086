import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresqlCollector } from '../src/collectors/postgresql/index';
import { unusedPort } from './ports';
import { createPgFixture, signal, silentLogger, type PgFixture } from './postgresql-fixture';

describe('PostgreSQL check()', () => {
  let fx: PgFixture;
  let bare: PgFixture;
  beforeAll(async () => {
    [fx, bare] = await Promise.all([createPgFixture(), createPgFixture({ monitorSetup: false })]);
  });
  afterAll(async () => Promise.all([fx?.cleanup(), bare?.cleanup()]));
  // The setup file caps the role at 5 connections: each test's collectors give theirs back.
  afterEach(async () => Promise.all([fx?.closeCollectors(), bare?.closeCollectors()]));

  it('passes every check for the role made by agent/setup/postgresql.sql', async () => {
    const checks = await fx.collector().check();
    expect(checks.filter((c) => !c.ok)).toEqual([]);
    expect(checks.map((c) => c.check)).toEqual(
      expect.arrayContaining(['reachable', 'authentication', 'version', 'privilege:pg_monitor', 'extension:pg_stat_statements', 'preload:pg_stat_statements', `connect:${fx.database}`]),
    );
  });

  it('fails the pg_monitor check of a role without it, with the GRANT that fixes it', async () => {
    const checks = await bare.collector().check();
    expect(checks.find((c) => c.check === 'privilege:pg_monitor')).toEqual({
      check: 'privilege:pg_monitor',
      ok: false,
      detail: expect.stringContaining('lacks pg_monitor'),
      fix: `GRANT pg_monitor TO "${bare.role}";`,
    });
    expect(checks.find((c) => c.check === 'authentication')?.ok).toBe(true);
  });

  it('fails the CONNECT check of a database the role may not enter, with the GRANT', async () => {
    const admin = await fx.admin();
    await admin.query(`REVOKE CONNECT ON DATABASE ${bare.database} FROM PUBLIC`);
    const collector = fx.collector({ databases: { include: [fx.database, bare.database, 'no_such_db'], exclude: [] } });
    const checks = await collector.check();
    expect(checks.find((c) => c.check === `connect:${bare.database}`)).toMatchObject({
      ok: false,
      fix: `GRANT CONNECT ON DATABASE "${bare.database}" TO "${fx.role}";`,
    });
    expect(checks.find((c) => c.check === 'connect:no_such_db')).toMatchObject({ ok: false, detail: expect.stringContaining('does not exist') });
    // The schema collection skips that database with an error entry instead of failing.
    const schema = await collector.collect('schema', signal());
    expect(schema.errors).toContainEqual(expect.objectContaining({ collector: `database:${bare.database}`, code: 'insufficient_privilege' }));
  });

  it('reports a wrong password as a failed authentication, not a crash', async () => {
    const checks = await fx.collector({ password: 'wrong-password' }).check();
    expect(checks).toEqual([
      expect.objectContaining({ check: 'reachable', ok: true }),
      { check: 'authentication', ok: false, detail: expect.stringMatching(/password authentication failed for user logstag_monitor_/) },
    ]);
    expect(JSON.stringify(checks)).not.toContain('wrong-password');
    await expect(fx.collector({ password: 'wrong-password' }).collect('runtime', signal())).rejects.toThrow(/password authentication failed/);
  });

  it('reports a refused connection clearly', async () => {
    const port = await unusedPort();
    const checks = await fx.collector({ host: '127.0.0.1', port }).check();
    expect(checks).toEqual([{ check: 'reachable', ok: false, detail: expect.stringMatching(new RegExp(`connection refused by 127\\.0\\.0\\.1:${port}`)) }]);
  });

  it('reports a host name that does not resolve as a DNS failure', async () => {
    const collector = createPostgresqlCollector({ ...fx.target(), host: 'logstag-no-such-host.invalid' }, silentLogger);
    try {
      const checks = await collector.check();
      expect(checks).toEqual([{ check: 'reachable', ok: false, detail: expect.stringMatching(/does not resolve \(DNS lookup failed/) }]);
    } finally {
      await collector.close();
    }
  });

  it('reports a database that does not exist', async () => {
    const checks = await fx.collector({ database: 'logstag_missing_db' }).check();
    expect(checks).toContainEqual(expect.objectContaining({ check: 'database', ok: false, detail: expect.stringContaining('logstag_missing_db') }));
  });
});
