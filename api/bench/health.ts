// npm run bench:health [-- --store postgres|pglite --tables 5000 --indexes-per-table 4 --fleet 100 --concurrency 4 --runs 3]
//
// Issue 17's goals: one target's report with 5,000 tables and 20,000 indexes in under 2 s of activity time, and a fleet
// of 100 targets' daily reports within a minute. The big target is the recorded PostgreSQL collections with their
// schema collection grown to --tables tables (each with --indexes-per-table indexes, a foreign key on every fourth,
// maintenance statistics for every table); the fleet is 100 targets of the recorded collections of the four engines.
// Both are stored by the real storePayloads activity (not timed); then the runHealthReport activity is timed: for the
// big target each run alone, with the time of its parts (reading the store, running the catalog); the fleet with
// --concurrency reports at a time, as a worker's activity slots would run them.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { randomUUID } from 'node:crypto';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities, type HealthReportSummary } from '@logstag/activities';
import { insertPayloadRows, type PayloadJson } from '@logstag/activities/testing';
import { evaluateCatalog, HEALTH_RULES } from '@logstag/schema/health';
import { loadHealthInput, openStore, type Store } from '@logstag/store';
import { createTestDatabase, type TestDatabase } from '@logstag/store/testing';
import { useTestServicesEnv } from './services-env';

useTestServicesEnv();

const { values: args } = parseArgs({
  options: {
    store: { type: 'string', default: 'postgres' },
    tables: { type: 'string', default: '5000' },
    'indexes-per-table': { type: 'string', default: '4' },
    fleet: { type: 'string', default: '100' },
    concurrency: { type: 'string', default: '4' },
    runs: { type: 'string', default: '3' },
  },
});
const TABLES = Number(args.tables);
const PER_TABLE = Number(args['indexes-per-table']);
const FLEET = Number(args.fleet);
const CONCURRENCY = Number(args.concurrency);
const ORG = 'bench-health';

const recorded = (engine: string): PayloadJson[] =>
  readFileSync(new URL(`../test/fixtures/${engine}.jsonl`, import.meta.url), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as PayloadJson);

/** The recorded collections as new ones of one target, spread over the last minutes. */
function asTarget(bodies: PayloadJson[], targetId: string): PayloadJson[] {
  const now = Date.now();
  return bodies.map((b, i) => ({ ...b, id: randomUUID(), targetId, collectedAt: new Date(now - (bodies.length - i) * 2_000).toISOString() }));
}

/** The recorded PostgreSQL collections with the schema and maintenance sections grown to TABLES tables. */
function bigTarget(targetId: string): PayloadJson[] {
  const bodies = asTarget(recorded('postgresql'), targetId);
  const datname = 'bench_shop';
  for (const b of bodies) {
    const data = b.data as Record<string, unknown[]>;
    if (b.category === 'schema') {
      const tables = [];
      const indexes = [];
      const fks = [];
      const columns = [];
      for (let t = 0; t < TABLES; t++) {
        const schema = `s${t % 20}`;
        const name = `t${t}`;
        tables.push({ datname, schema, name, relkind: 'r', relpersistence: 'p', owner: 'app', estimated_rows: 1000 + t, relpages: 10, table_bytes: 81920, indexes_bytes: 16384 * PER_TABLE, total_bytes: 81920 + 16384 * PER_TABLE, sizes_exact: true, has_primary_key: t % 50 !== 0, partition_of: null, row_security: false, reloptions: t % 100 === 0 ? ['autovacuum_enabled=false'] : null, relispartition: false });
        columns.push({ datname, schema, table: name, position: 1, name: 'id', type: t % 7 === 0 ? 'integer' : 'bigint', nullable: false, default: `nextval('${name}_id_seq'::regclass)`, identity: null, generated: null });
        for (let i = 0; i < PER_TABLE; i++) {
          const cols = i === 0 ? ['id'] : [`c${i}`];
          indexes.push({ datname, schema, table: name, name: i === 0 ? `${name}_pkey` : `${name}_c${i}`, table_oid: t, method: 'btree', definition: `CREATE INDEX ${name}_c${i} ON ${schema}.${name} USING btree (${cols.join(', ')})`, is_unique: i === 0, is_primary: i === 0, is_valid: t % 500 !== 1, is_ready: true, idx_scan: i === PER_TABLE - 1 ? 0 : 10, size_bytes: 16384, duplicate_of: i === 2 && t % 10 === 0 ? [`${name}_c1`] : [], indkey: cols, key_columns: cols.length, constraint_name: null });
        }
        if (t % 4 === 0) fks.push({ datname, schema, table: name, name: `${name}_parent_fkey`, columns: ['c1'], referenced_schema: schema, referenced_table: `t${Math.max(0, t - 1)}`, referenced_columns: ['id'], on_update: 'a', on_delete: 'a', match: 's', validated: true, has_index: t % 8 !== 0 });
      }
      Object.assign(data, { tables, indexes, foreign_keys: fks, columns });
    }
    if (b.category === 'operational') {
      data.table_maintenance = Array.from({ length: TABLES }, (_, t) => ({ datname, schema: `s${t % 20}`, table: `t${t}`, n_live_tup: 100_000, n_dead_tup: t % 25 === 0 ? 50_000 : 10, n_mod_since_analyze: 100, n_ins_since_vacuum: 10, last_vacuum: null, last_autovacuum: null, last_analyze: null, last_autoanalyze: null, vacuum_count: 1, autovacuum_count: 1, analyze_count: 1, autoanalyze_count: 1, xid_age: 1000 + t, xid_age_with_toast: 1000 + t, mxid_age: 1, reloptions: null }));
    }
  }
  return bodies;
}

async function store(s: Store, bodies: PayloadJson[]): Promise<void> {
  const activities = createActivities({ db: s.db });
  const env = new MockActivityEnvironment();
  for (let i = 0; i < bodies.length; i += 200) {
    const ids = await insertPayloadRows(s.db, ORG, bodies.slice(i, i + 200));
    await env.run(activities.storePayloads, ids);
  }
}

const ms = (t0: number) => Math.round(performance.now() - t0);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

async function main(): Promise<void> {
  let tdb: TestDatabase | undefined;
  if (args.store === 'postgres') tdb = await createTestDatabase('logstag_bench_health');
  const s = await openStore(tdb ? { databaseUrl: tdb.url, poolSize: CONCURRENCY + 2 } : { dataDir: 'memory://' });
  try {
    const activities = createActivities({ db: s.db });
    const env = new MockActivityEnvironment();
    const run = (targetId: string) => env.run(activities.runHealthReport, { organizationId: ORG, targetId, trigger: 'schedule' as const }) as Promise<HealthReportSummary>;

    let t0 = performance.now();
    await store(s, bigTarget('pg-big'));
    console.log(`big target: ${TABLES} tables, ${TABLES * PER_TABLE} indexes stored in ${ms(t0)} ms (not part of the goal)`);
    const times: number[] = [];
    for (let r = 0; r < Number(args.runs); r++) {
      t0 = performance.now();
      const summary = await run('pg-big');
      times.push(ms(t0));
      if (r === 0) console.log(`  report: score ${summary.score}, ${summary.counts.findings} findings, ${summary.counts.skipped} skipped`);
    }
    // The activity's parts, each timed --runs times on its own: reading the store (loadHealthInput), running the catalog.
    const reads: number[] = [];
    const evals: number[] = [];
    let input: Awaited<ReturnType<typeof loadHealthInput>> = null;
    for (let r = 0; r < Number(args.runs); r++) {
      t0 = performance.now();
      input = (await loadHealthInput(s.db, ORG, 'pg-big', new Date(), 24))!;
      reads.push(ms(t0));
      t0 = performance.now();
      evaluateCatalog(input, HEALTH_RULES);
      evals.push(ms(t0));
    }
    console.log(`  runHealthReport activity: ${times.join(' / ')} ms (median ${median(times)} ms; goal < 2000 ms); of which reading the store ${reads.join(' / ')} ms (median ${median(reads)}), the catalog ${evals.join(' / ')} ms (median ${median(evals)}) (${input?.schema?.items.length} schema items, ${input?.series.length} series loaded)`);

    const engines = ['postgresql', 'mysql', 'redis', 'mongodb'];
    const fleet = Array.from({ length: FLEET }, (_, i) => `${engines[i % 4]}-fleet-${i}`);
    t0 = performance.now();
    await store(s, fleet.flatMap((id, i) => asTarget(recorded(engines[i % 4]!), id)));
    console.log(`fleet: ${FLEET} targets of recorded collections stored in ${ms(t0)} ms (not part of the goal)`);
    t0 = performance.now();
    const queue = [...fleet];
    const each: number[] = [];
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let id = queue.shift(); id; id = queue.shift()) {
          const t = performance.now();
          await run(id);
          each.push(ms(t));
        }
      }),
    );
    console.log(`  ${FLEET} reports, ${CONCURRENCY} at a time: ${ms(t0)} ms (goal < 60000 ms); per report median ${median(each)} ms, max ${Math.max(...each)} ms`);
  } finally {
    await s.close();
    await tdb?.drop();
  }
}

await main();
