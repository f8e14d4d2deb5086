// MariaDB index flags through the whole path: tables with duplicate, redundant and distinct indexes on the real test
// MariaDB, one `collect --once` of the real agent CLI, the ingest workflow and the Schema Explorer API.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupMysql, type MonitoredService } from '@logstag/agent/testing';
import { signedIn, type ApiClient } from './accounts-client';
import { seedOrganization, startTestContext, waitFor, type StoreBackend, type TestContext } from './context';

const bin = fileURLToPath(new URL('../../agent/bin/logstag-agent.mjs', import.meta.url));
const TARGET = 'maria-indexes';

// Expected duplicateOf per index of `keyed`, by the pt-duplicate-key-checker rules.
const TABLE = `CREATE TABLE %s.keyed (
  id INT PRIMARY KEY, a INT, b INT, c INT, d VARCHAR(100),
  KEY id_again (id),           -- equal to the primary key
  KEY a (a),                   -- left prefix of a_b, a_b_c and a_b_copy; equal to the unique u_a
  KEY a_b (a, b),              -- left prefix of a_b_c, equal to a_b_copy
  KEY a_b_copy (a, b),         -- equal to a_b, left prefix of a_b_c
  KEY a_b_c (a, b, c),
  UNIQUE KEY u_a (a),          -- unique: not redundant to the non-unique a, a_b…
  KEY b_a (b, a),              -- same columns, another order: serves other lookups
  UNIQUE KEY u_c (c),          -- unique prefix of a unique index: enforces more than u_c_d
  UNIQUE KEY u_c_d (c, d),
  KEY d10 (d(10)),             -- another prefix length than d20
  KEY d20 (d(20)),
  FULLTEXT KEY ft_d (d)        -- another index type than d10/d20
) ENGINE=InnoDB`;
const EXPECTED: Record<string, string[]> = {
  PRIMARY: [],
  id_again: ['PRIMARY'],
  a: ['a_b', 'a_b_c', 'a_b_copy', 'u_a'],
  a_b: ['a_b_c', 'a_b_copy'],
  a_b_copy: ['a_b', 'a_b_c'],
  a_b_c: [],
  u_a: [],
  b_a: [],
  u_c: [],
  u_c_d: [],
  d10: [],
  d20: [],
  ft_d: [],
};

describe.each<StoreBackend>(['pglite', 'postgres'])('MariaDB index flags from the real agent (%s store)', (backend) => {
  let ctx: TestContext;
  let api: ApiClient;
  let maria: MonitoredService & { schemas: string[] };
  let schema: string;

  beforeAll(async () => {
    ctx = await startTestContext(backend);
    const org = await seedOrganization(ctx, 'Indexes');
    api = await signedIn(ctx, org.ownerEmail, org.ownerPassword);
    maria = await setupMysql(1, 'lt_idx');
    schema = maria.schemas[0]!;
    const admin = await mysql.createConnection(process.env.LOGSTAG_TEST_MYSQL_URL ?? 'mysql://logstag_admin:logstag-test@127.0.0.1:53306/');
    try {
      await admin.query(TABLE.replace('%s', schema));
    } finally {
      await admin.end();
    }
    const dir = mkdtempSync(join(tmpdir(), 'logstag-indexes-'));
    writeFileSync(join(dir, 'api-key'), `${org.agentKey}\n`, { mode: 0o600 });
    const config = join(dir, 'agent.yaml');
    writeFileSync(
      config,
      `server:\n  url: ${ctx.url}\n  api_key: file:api-key\nagent_id: indexes\nspool: { dir: ${join(dir, 'spool')} }
targets:
  - name: ${TARGET}
    engine: mysql
    host: ${maria.host}
    port: ${maria.port}
    user: ${maria.user}
    password: env:INDEXES_MY_PW
    databases: { include: [${schema}] }
`,
    );
    const run = await new Promise<{ code: number | null; out: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [bin, 'collect', '--once', '--config', config], { env: { ...process.env, INDEXES_MY_PW: maria.password }, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      child.stderr.on('data', (c: Buffer) => (out += c.toString()));
      child.on('error', reject);
      child.on('exit', (code) => resolve({ code, out }));
    });
    expect(run.code, run.out).toBe(0);
    expect(run.out).toMatch(/sent (\d+) of \1 payloads/);
    await waitFor(
      async () => {
        const res = await api.get(`/api/explorer/schema/${TARGET}/objects?type=index&limit=200`);
        return res.status === 200 && res.body.items.some((i: { name: string }) => i.name.startsWith(`${schema}.keyed.`));
      },
      60_000,
      'the schema snapshot to be stored',
    );
  }, 120_000);

  afterAll(async () => {
    await maria?.cleanup();
    await ctx?.stop();
  });

  const keyed = async (query = '') => {
    const res = await api.get(`/api/explorer/schema/${TARGET}/objects?type=index&limit=200${query}`);
    expect(res.status).toBe(200);
    const prefix = `${schema}.keyed.`;
    return (res.body.items as Array<{ name: string; flags: { duplicate: boolean; duplicateOf: string[]; unused: boolean; invalid: boolean } }>)
      .filter((i) => i.name.startsWith(prefix))
      .map((i) => ({ ...i, name: i.name.slice(prefix.length) }));
  };

  it('flags an index equal to or a left prefix of another of the same type, unless it enforces a uniqueness the other does not', async () => {
    const items = await keyed();
    expect(Object.fromEntries(items.map((i) => [i.name, i.flags.duplicateOf]))).toEqual(EXPECTED);
    for (const i of items) expect(i.flags.duplicate, i.name).toBe(EXPECTED[i.name]!.length > 0);
  });

  it('filters on the duplicate flag, and still flags unused and invalid', async () => {
    const duplicates = await keyed('&flag=duplicate');
    expect(duplicates.map((i) => i.name).sort()).toEqual(Object.keys(EXPECTED).filter((n) => EXPECTED[n]!.length > 0).sort());
    // Nothing has read the fresh table: every index but the primary key (the table's clustering) is unused.
    const unused = await keyed('&flag=unused');
    expect(unused.map((i) => i.name).sort()).toEqual(Object.keys(EXPECTED).filter((n) => n !== 'PRIMARY').sort());
    expect(await keyed('&flag=invalid')).toEqual([]);
  });
});
