import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATEGORIES } from '@logstag/schema';
import type { QueryTextMode } from '../src/collectors/types';
import { createPgFixture, eventually, signal, type PgFixture } from './postgresql-fixture';

/**
 * The no-rows promise: a value that exists only inside an application table never reaches a payload, whatever the
 * category or query-text mode.
 *
 * How the canary can (not) leak through query text, and why the test is built this way:
 * - It is written with a bind parameter, so pg_stat_activity (even for the still-open inserting session) and
 *   pg_stat_statements only ever hold `INSERT … VALUES ($1)`; the value is never part of any statement text.
 * - pg_stat_statements normalizes constants to $n anyway, so even a literal would not be stored there.
 * - A statement *currently running* with a literal is different: with query_text `full` the agent reports the text as
 *   the server shows it, literal included (that is what `full` means). A second value, `literal`, is therefore sent
 *   inside a running statement: it must be absent with `obfuscated` and present with `full` — the latter also proves
 *   the runtime collection really saw that session, so the absence checks are not vacuous.
 */
describe('PostgreSQL collections never contain application data', () => {
  let fx: PgFixture;
  let admin: pg.Client;
  const canary = `canary-${randomBytes(12).toString('hex')}`;
  const literal = `literal-${randomBytes(12).toString('hex')}`;

  beforeAll(async () => {
    fx = await createPgFixture();
    admin = await fx.admin();
    await admin.query('CREATE TABLE app_secrets (owner text, secret text)');
    await admin.query('INSERT INTO app_secrets (owner, secret) VALUES ($1, $2)', ['alice', canary]);
    await admin.query('ANALYZE app_secrets');
  });
  afterAll(async () => fx?.cleanup());

  async function collectEverything(mode: QueryTextMode): Promise<string> {
    const collector = fx.collector({ queryText: mode });
    // A session left idle in a transaction right after writing the canary: its last statement shows in sessions.
    const writer = await fx.admin();
    await writer.query('BEGIN');
    await writer.query('INSERT INTO app_secrets (owner, secret) VALUES ($1, $2)', ['bob', canary]);
    // A statement running during the collection that carries `literal` as a literal and the canary as a parameter.
    const runner = await fx.admin();
    const running = runner.query(`SELECT pg_sleep(1.5), '${literal}' AS tag, $1::text IS NOT NULL AS p`, [canary]);
    try {
      await eventually(async () => {
        const { rows } = await admin.query("SELECT 1 FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(1.5)%' AND state = 'active'");
        return rows.length > 0 ? true : undefined;
      });
      const payloads: string[] = [];
      for (const category of CATEGORIES) {
        const result = await collector.collect(category, signal());
        expect(result.errors, `${category} errors`).toEqual([]);
        payloads.push(JSON.stringify(result));
      }
      return payloads.join('\n');
    } finally {
      await running;
      await writer.query('ROLLBACK');
    }
  }

  it('with query_text obfuscated: neither the canary nor the running literal appear', async () => {
    const json = await collectEverything('obfuscated');
    expect(json).toContain('app_secrets'); // the table was seen: names are metadata
    expect(json).toContain(`SELECT pg_sleep(?), ? AS tag, $1::text IS NOT NULL AS p`);
    expect(json).not.toContain(canary);
    expect(json).not.toContain(literal);
  });

  it('with query_text full: the canary still never appears (only the running literal does, by design)', async () => {
    const json = await collectEverything('full');
    expect(json).toContain('INSERT INTO app_secrets (owner, secret) VALUES ($1, $2)');
    expect(json).toContain(literal);
    expect(json).not.toContain(canary);
  });

  it('never reads the application table, even as a superuser (no scan of it is counted)', async () => {
    // The monitoring role could not read app_secrets anyway; a superuser target could, so it is the real test.
    const url = new URL(process.env['LOGSTAG_TEST_PG_URL']!);
    const superuser = fx.collector({ user: decodeURIComponent(url.username), password: decodeURIComponent(url.password), queryText: 'full' });
    for (const category of CATEGORIES) await superuser.collect(category, signal());
    await fx.closeCollectors();
    const scans = async () =>
      (await admin.query<{ scans: number }>("SELECT (seq_scan + coalesce(idx_scan, 0))::int AS scans FROM pg_stat_user_tables WHERE relname = 'app_secrets'")).rows[0]!.scans;
    // Backends publish their scan counts when they exit; wait until the agent's sessions are gone.
    await eventually(async () => {
      const { rows } = await admin.query("SELECT 1 FROM pg_stat_activity WHERE datname = $1 AND application_name = 'logstag-agent'", [fx.database]);
      return rows.length === 0 ? true : undefined;
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await scans()).toBe(0);

    // Control: the same measurement does see one read of the table by a session that then exits.
    const reader = await fx.admin();
    await reader.query('SELECT count(*) FROM app_secrets');
    await reader.end();
    expect(await eventually(async () => ((await scans()) > 0 ? scans() : undefined))).toBe(1);
  });
});
