// npx tsx api/bench/fleet-cpu.ts --reuse <database> [--impl <path to a fleet.service.ts>]
//
// CPU per fleet overview, in process, on a database a `bench:explorer --keep` run left: the API's (this process's) and
// its PostgreSQL backends' (from /proc), for a first open (no cache), a cached request for the same range (what the HTTP
// bench's fleet requests are after warm-up), reloads 10 s apart through one cache, at 7 d and 1 h. On a machine shared
// with other work, CPU per operation compares two versions where wall time does not. --impl measures another version's
// fleet.service.ts (e.g. in a `git worktree add /tmp/before <commit>` with node_modules linked), run interleaved with
// this one.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Database } from '@logstag/store';
import type * as FleetService from '../src/explorer/fleet.service';
import { testPostgresAdminUrl } from '@logstag/store/testing';
import { statOf, TICKS_PER_SECOND } from './process-cpu';
import { useTestServicesEnv } from './services-env';

useTestServicesEnv();
const { values: args } = parseArgs({ options: { reuse: { type: 'string' }, impl: { type: 'string' }, label: { type: 'string', default: 'this tree' } } });
if (!args.reuse || !/^logstag_bench_[0-9a-f]+$/.test(args.reuse)) throw new Error('--reuse takes a database a bench:explorer --keep run printed (logstag_bench_…)');
const impl = (await import(args.impl ? resolve(args.impl) : '../src/explorer/fleet.service')) as typeof FleetService;
const url = new URL(testPostgresAdminUrl());
url.pathname = `/${args.reuse}`;
const pool = new pg.Pool({ connectionString: url.toString(), max: 6 });
const backends = new Set<number>();
pool.on('connect', (c) => {
  void c.query<{ p: number }>('select pg_backend_pid() as p').then((r) => backends.add(r.rows[0]!.p));
});
const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
const HOUR = 3_600_000;
const newest = await sql<{ ts: Date; org: string }>`select last_seen as ts, organization_id as org from targets order by last_seen desc limit 1`.execute(db);
const now = newest.rows[0]!.ts.getTime();
const org = newest.rows[0]!.org;
const pgMs = () => [...backends].reduce((t, p) => t + ((statOf(p)?.own ?? 0) * 1000) / TICKS_PER_SECOND, 0);
const nodeMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const range = (hours: number, at = now) => ({ from: new Date(at - hours * HOUR), to: new Date(at) });
// The pool at its size first, so every backend is known before a measurement.
await Promise.all(Array.from({ length: 6 }, () => sql`select pg_sleep(0.05)`.execute(db)));

async function measure(name: string, n: number, once: (i: number) => Promise<unknown>): Promise<void> {
  await once(-1);
  const [w0, n0, p0] = [performance.now(), nodeMs(), pgMs()];
  for (let i = 0; i < n; i += 1) await once(i);
  const [w, c, p] = [(performance.now() - w0) / n, (nodeMs() - n0) / n, (pgMs() - p0) / n];
  process.stdout.write(`| ${args.label} | ${name} | ${w.toFixed(1)} | ${c.toFixed(1)} | ${p.toFixed(1)} | ${(c + p).toFixed(1)} |\n`);
}

process.stdout.write('| code | operation | wall ms | API CPU ms | PostgreSQL CPU ms | CPU ms |\n|---|---|---:|---:|---:|---:|\n');
for (const [label, hours] of [['7 d', 24 * 7], ['1 h', 1]] as const) {
  await measure(`${label} first open (no cache), 10`, 10, () => impl.fleetOverview(db, org, range(hours), now, null));
  const same = new impl.FleetBucketCache();
  await measure(`${label} same range, cached, 30`, 30, () => impl.fleetOverview(db, org, range(hours), now, same));
  const reloads = new impl.FleetBucketCache();
  // 30 reloads 10 s apart: the last one finds its entry expired (5 minutes) and reads everything again.
  await measure(`${label} reloads 10 s apart, 30`, 30, (i) => impl.fleetOverview(db, org, range(hours, now - (30 - i) * 10_000), now - (30 - i) * 10_000, reloads));
}
await db.destroy();
