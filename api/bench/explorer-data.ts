// Generates explorer data straight into the store with set-based SQL: per target, METRICS series of 1-minute rollups
// over DAYS days, hour rollups, raw points (30 s) for the last RAW_HOURS, hourly query stats, runtime snapshots every
// minute for the last 6 hours, and two schema snapshots with a change between them.
import { sql, type Kysely } from 'kysely';
import type { Database } from '@logstag/store';

export interface DataShape {
  organizationId: string;
  targets: number;
  metrics: number;
  days: number;
  rawHours: number;
  queriesPerTarget: number;
}

const HOUR = 3_600_000;

export async function generateExplorerData(db: Kysely<Database>, s: DataShape, log: (line: string) => void = () => {}): Promise<Record<string, number>> {
  let t0 = Date.now();
  const phase = (name: string) => {
    log(`  ${name}: ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    t0 = Date.now();
  };
  const now = new Date(Math.floor(Date.now() / 60_000) * 60_000);
  const from = new Date(now.getTime() - s.days * 24 * HOUR);
  const rawFrom = new Date(now.getTime() - s.rawHours * HOUR);
  const org = s.organizationId;
  const day0 = from.toISOString().slice(0, 10);
  // metric_rollup_1m's partitions are made below.
  for (const t of ['metric_points', 'query_stats', 'activity_snapshots']) {
    await sql`select logstag_ensure_partitions(${t}, ${day0}::date, ${s.days + 2})`.execute(db);
  }
  // Metrics 0-7 are what the fleet overview reads: connections.used, connections.max, transactions.commits,
  // cache.hits, cache.misses (deltas), locks.waiting, replication.lag_seconds, statements.slowest_mean_ms; the rest are
  // gauges m08…
  const metricName = sql`case m when 0 then 'connections.used' when 1 then 'connections.max' when 2 then 'transactions.commits' when 3 then 'cache.hits' when 4 then 'cache.misses' when 5 then 'locks.waiting' when 6 then 'replication.lag_seconds' when 7 then 'statements.slowest_mean_ms' else 'bench.m' || lpad(m::text, 2, '0') end`;
  const value = sql`case m when 1 then 200 else 50 + 40 * sin(extract(epoch from ts) / 3600 + t + m) end`;
  await sql`insert into targets (organization_id, target_id, engine, agent_id, version, tags, status, last_seen, last_payloads)
    select ${org}, 'target-' || lpad(t::text, 3, '0'), (array['postgresql','mysql','redis','mongodb'])[1 + t % 4], 'agent-' || (t / 10), '16.4',
           jsonb_build_object('env', case when t % 3 = 0 then 'prod' else 'staging' end), 'ok', ${now}, '{}'
      from generate_series(0, ${s.targets - 1}) t`.execute(db);
  await sql`insert into metric_series (organization_id, target_id, metric, labels_key, labels, kind, first_ts, last_ts, last_value)
    select ${org}, 'target-' || lpad(t::text, 3, '0'), ${metricName}, '{}', '{}', case when m between 2 and 4 then 'delta' else 'gauge' end, ${from}, ${now}, 1
      from generate_series(0, ${s.targets - 1}) t, generate_series(0, ${s.metrics - 1}) m`.execute(db);
  // The minute rollups are most of the data (30 M rows for 100 targets): one day partition at a time, two at a time.
  // A whole past day is written into a table of its own without its primary key, which is then built in one sorted
  // pass and the table attached as the day's partition: maintaining the key row by row through a 128 MB buffer pool
  // wrote the index (bigger than the table) many times over. The first, partial day and today (which the server's
  // retention workflow may be writing too) go straight into their partitions.
  const DAY = 24 * HOUR;
  const slices: Array<{ day: number; from: Date; to: Date; whole: boolean }> = [];
  for (let d = Math.floor(from.getTime() / DAY) * DAY; d < now.getTime(); d += DAY) {
    slices.push({ day: d, from: new Date(Math.max(d, from.getTime())), to: new Date(Math.min(d + DAY, now.getTime())), whole: d >= from.getTime() && d + DAY <= now.getTime() });
  }
  const minuteRows = (a: Date, b: Date) => sql`select ${org}, 'target-' || lpad(t::text, 3, '0'), ${metricName}, '{}', ts, 2 * ${value}, 2, ${value} - 1, ${value} + 1
      from generate_series(0, ${s.targets - 1}) t, generate_series(0, ${s.metrics - 1}) m,
           generate_series(${a}::timestamptz, ${b}::timestamptz - interval '1 minute', interval '1 minute') ts`;
  const partitionOf = (day: number) => `metric_rollup_1m_p${new Date(day).toISOString().slice(0, 10).replaceAll('-', '')}`;
  for (const x of slices.filter((x) => !x.whole)) await sql`select logstag_ensure_partitions('metric_rollup_1m', ${new Date(x.day).toISOString().slice(0, 10)}::date, 1)`.execute(db);
  const built: string[] = [];
  const oneDay = async (x: (typeof slices)[number]) => {
    if (!x.whole) {
      await sql`insert into metric_rollup_1m (organization_id, target_id, metric, labels_key, ts, sum, count, min, max) ${minuteRows(x.from, x.to)}
        -- the retention schedule's first run (at server start) may have rolled up the same minutes already
        on conflict (organization_id, target_id, metric, labels_key, ts) do nothing`.execute(db);
    } else {
      const table = sql.table(partitionOf(x.day));
      await db.connection().execute(async (c) => {
        await sql`create table ${table} (like metric_rollup_1m including defaults)`.execute(c);
        await sql`insert into ${table} (organization_id, target_id, metric, labels_key, ts, sum, count, min, max) ${minuteRows(x.from, x.to)}`.execute(c);
        await sql`set maintenance_work_mem = '256MB'`.execute(c);
        await sql`alter table ${table} add primary key (organization_id, target_id, metric, labels_key, ts)`.execute(c);
        await sql`reset maintenance_work_mem`.execute(c);
        // Lets the attach below skip its scan of the rows.
        await sql`alter table ${table} add constraint bench_day check (ts >= ${sql.lit(x.from.toISOString())} and ts < ${sql.lit(x.to.toISOString())})`.execute(c);
      });
      built.push(partitionOf(x.day));
    }
    await sql`insert into metric_rollup_1h (organization_id, target_id, metric, labels_key, ts, sum, count, min, max)
      select organization_id, target_id, metric, labels_key, date_trunc('hour', ts), sum(sum), sum(count), min(min), max(max)
        from ${x.whole ? sql.table(partitionOf(x.day)) : sql`metric_rollup_1m`} where organization_id = ${org} and ts >= ${x.from} and ts < ${x.to} group by 1, 2, 3, 4, 5
      on conflict (organization_id, target_id, metric, labels_key, ts) do nothing`.execute(db);
  };
  const queue = [...slices];
  await Promise.all(
    [0, 1].map(async () => {
      for (let x = queue.shift(); x; x = queue.shift()) await oneDay(x);
    }),
  );
  for (const name of built) {
    const day = Date.UTC(Number(name.slice(-8, -4)), Number(name.slice(-4, -2)) - 1, Number(name.slice(-2)));
    // DDL takes no bind parameters: the bounds are literals made here from the day.
    await sql`alter table metric_rollup_1m attach partition ${sql.table(name)} for values from (${sql.lit(new Date(day).toISOString())}) to (${sql.lit(new Date(day + DAY).toISOString())})`.execute(db);
    await sql`alter table ${sql.table(name)} drop constraint bench_day`.execute(db);
  }
  phase('metric_rollup_1m + 1h');
  await sql`insert into metric_points (organization_id, target_id, metric, labels_key, ts, value)
    select ${org}, 'target-' || lpad(t::text, 3, '0'), ${metricName}, '{}', ts, ${value}
      from generate_series(0, ${s.targets - 1}) t, generate_series(0, ${s.metrics - 1}) m,
           generate_series(${rawFrom}::timestamptz, ${now}::timestamptz, interval '30 seconds') ts`.execute(db);
  phase('metric_points');
  await sql`insert into queries (organization_id, target_id, fingerprint, engine, database_name, query_text, first_seen, last_seen)
    select ${org}, 'target-' || lpad(t::text, 3, '0'), 'app/' || q, 'postgresql', 'app', 'SELECT * FROM t' || q || ' WHERE id = $1', ${from}, ${now}
      from generate_series(0, ${s.targets - 1}) t, generate_series(0, ${s.queriesPerTarget - 1}) q`.execute(db);
  await sql`insert into query_stats (organization_id, target_id, fingerprint, ts, calls, total_time_ms, rows, blocks_hit, blocks_read)
    select ${org}, 'target-' || lpad(t::text, 3, '0'), 'app/' || q, ts, 100 + q * 10, (q + 1) * 37.5, 100, 1000, 10
      from generate_series(0, ${s.targets - 1}) t, generate_series(0, ${s.queriesPerTarget - 1}) q,
           generate_series(${from}::timestamptz, ${now}::timestamptz, interval '1 hour') ts`.execute(db);
  phase('queries + query_stats');
  await sql`insert into activity_snapshots (organization_id, target_id, ts, payload_id, sessions, lock_waits, blocking, connections, replication)
    select ${org}, 'target-' || lpad(t::text, 3, '0'), ts, gen_random_uuid(),
           (select jsonb_agg(jsonb_build_object('id', (1000 + i)::text, 'state', case when i % 3 = 0 then 'active' else 'idle' end,
                  'waitType', case when i % 5 = 0 then 'Lock' when i % 3 = 0 then 'IO' end, 'wait', case when i % 5 = 0 then 'transactionid' when i % 3 = 0 then 'DataFileRead' end,
                  'query', 'SELECT 1', 'durationSeconds', i, 'blockedBy', case when i = 5 then jsonb_build_array('1000') else '[]'::jsonb end))
              from generate_series(0, 29) i),
           '[{"id":"1005","blockedBy":["1000"]}]', '[{"id":"1000","waiters":[{"id":"1005","waiters":[]}]}]',
           '{"used":30,"max":200,"byState":{"active":10,"idle":20}}', '[]'
      from generate_series(0, ${s.targets - 1}) t, generate_series(${new Date(now.getTime() - 6 * HOUR)}::timestamptz, ${now}::timestamptz, interval '1 minute') ts`.execute(db);
  phase('activity_snapshots');
  const items = (withIndex: boolean) => {
    const out: Record<string, unknown> = {};
    for (let i = 0; i < 200; i += 1) out[`table:app.public.t${i}`] = { type: 'table', name: `app.public.t${i}`, def: { owner: 'app' } };
    for (let i = 0; i < (withIndex ? 300 : 299); i += 1) {
      out[`index:app.public.i${i}`] = { type: 'index', name: `app.public.i${i}`, def: { table: `t${i % 200}` }, stats: { unused: i % 7 === 0, invalid: false, duplicateOf: [] } };
    }
    return JSON.stringify(out);
  };
  await sql`insert into snapshots (organization_id, target_id, kind, ts, payload_id, digest, items)
    select ${org}, 'target-' || lpad(t::text, 3, '0'), 'schema', v.ts, gen_random_uuid(), v.digest, v.items::jsonb
      from generate_series(0, ${s.targets - 1}) t,
           (values (${new Date(now.getTime() - 48 * HOUR)}::timestamptz, 'a', ${items(false)}), (${new Date(now.getTime() - 4 * HOUR)}::timestamptz, 'b', ${items(true)})) v(ts, digest, items)`.execute(db);
  await sql`insert into snapshot_changes (organization_id, target_id, kind, ts, payload_id, object_type, object_name, change, after)
    select ${org}, 'target-' || lpad(t::text, 3, '0'), 'schema', ${new Date(now.getTime() - 4 * HOUR)}, gen_random_uuid(), 'index', 'app.public.i299', 'added', '{"table":"t99"}'
      from generate_series(0, ${s.targets - 1}) t`.execute(db);
  phase('schema snapshots');
  await sql`analyze`.execute(db);
  phase('analyze');
  const counts: Record<string, number> = {};
  for (const t of ['metric_points', 'metric_rollup_1m', 'metric_rollup_1h', 'query_stats', 'activity_snapshots']) {
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(t)}`.execute(db);
    counts[t] = rows[0]?.n ?? 0;
  }
  return counts;
}
