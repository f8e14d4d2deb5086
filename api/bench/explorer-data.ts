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

export async function generateExplorerData(db: Kysely<Database>, s: DataShape): Promise<Record<string, number>> {
  const now = new Date(Math.floor(Date.now() / 60_000) * 60_000);
  const from = new Date(now.getTime() - s.days * 24 * HOUR);
  const rawFrom = new Date(now.getTime() - s.rawHours * HOUR);
  const org = s.organizationId;
  const day0 = from.toISOString().slice(0, 10);
  for (const t of ['metric_points', 'metric_rollup_1m', 'query_stats', 'activity_snapshots']) {
    await sql`select logstag_ensure_partitions(${t}, ${day0}::date, ${s.days + 2})`.execute(db);
  }
  // Metric 0 is connections.used, 1 connections.max, 2 transactions.commits (delta); the rest are gauges m03…
  const metricName = sql`case m when 0 then 'connections.used' when 1 then 'connections.max' when 2 then 'transactions.commits' else 'bench.m' || lpad(m::text, 2, '0') end`;
  const value = sql`case m when 1 then 200 else 50 + 40 * sin(extract(epoch from ts) / 3600 + t + m) end`;
  await sql`insert into targets (organization_id, target_id, engine, agent_id, version, tags, status, last_seen, last_payloads)
    select ${org}, 'target-' || lpad(t::text, 3, '0'), (array['postgresql','mysql','redis','mongodb'])[1 + t % 4], 'agent-' || (t / 10), '16.4',
           jsonb_build_object('env', case when t % 3 = 0 then 'prod' else 'staging' end), 'ok', ${now}, '{}'
      from generate_series(0, ${s.targets - 1}) t`.execute(db);
  await sql`insert into metric_series (organization_id, target_id, metric, labels_key, labels, kind, first_ts, last_ts, last_value)
    select ${org}, 'target-' || lpad(t::text, 3, '0'), ${metricName}, '{}', '{}', case when m = 2 then 'delta' else 'gauge' end, ${from}, ${now}, 1
      from generate_series(0, ${s.targets - 1}) t, generate_series(0, ${s.metrics - 1}) m`.execute(db);
  // One day at a time keeps each statement's memory bounded.
  for (let d = from.getTime(); d < now.getTime(); d += 24 * HOUR) {
    const end = new Date(Math.min(d + 24 * HOUR, now.getTime()));
    await sql`insert into metric_rollup_1m (organization_id, target_id, metric, labels_key, ts, sum, count, min, max)
      select ${org}, 'target-' || lpad(t::text, 3, '0'), ${metricName}, '{}', ts, 2 * ${value}, 2, ${value} - 1, ${value} + 1
        from generate_series(0, ${s.targets - 1}) t, generate_series(0, ${s.metrics - 1}) m,
             generate_series(${new Date(d)}::timestamptz, ${end}::timestamptz - interval '1 minute', interval '1 minute') ts
      -- the retention schedule's first run (at server start) may have rolled up the same minutes already
      on conflict (organization_id, target_id, metric, labels_key, ts) do nothing`.execute(db);
  }
  await sql`insert into metric_rollup_1h (organization_id, target_id, metric, labels_key, ts, sum, count, min, max)
    select organization_id, target_id, metric, labels_key, date_trunc('hour', ts), sum(sum), sum(count), min(min), max(max)
      from metric_rollup_1m group by 1, 2, 3, 4, 5
    on conflict (organization_id, target_id, metric, labels_key, ts) do nothing`.execute(db);
  await sql`insert into metric_points (organization_id, target_id, metric, labels_key, ts, value)
    select ${org}, 'target-' || lpad(t::text, 3, '0'), ${metricName}, '{}', ts, ${value}
      from generate_series(0, ${s.targets - 1}) t, generate_series(0, ${s.metrics - 1}) m,
           generate_series(${rawFrom}::timestamptz, ${now}::timestamptz, interval '30 seconds') ts`.execute(db);
  await sql`insert into queries (organization_id, target_id, fingerprint, engine, database_name, query_text, first_seen, last_seen)
    select ${org}, 'target-' || lpad(t::text, 3, '0'), 'app/' || q, 'postgresql', 'app', 'SELECT * FROM t' || q || ' WHERE id = $1', ${from}, ${now}
      from generate_series(0, ${s.targets - 1}) t, generate_series(0, ${s.queriesPerTarget - 1}) q`.execute(db);
  await sql`insert into query_stats (organization_id, target_id, fingerprint, ts, calls, total_time_ms, rows, blocks_hit, blocks_read)
    select ${org}, 'target-' || lpad(t::text, 3, '0'), 'app/' || q, ts, 100 + q * 10, (q + 1) * 37.5, 100, 1000, 10
      from generate_series(0, ${s.targets - 1}) t, generate_series(0, ${s.queriesPerTarget - 1}) q,
           generate_series(${from}::timestamptz, ${now}::timestamptz, interval '1 hour') ts`.execute(db);
  await sql`insert into activity_snapshots (organization_id, target_id, ts, payload_id, sessions, lock_waits, blocking, connections, replication)
    select ${org}, 'target-' || lpad(t::text, 3, '0'), ts, gen_random_uuid(),
           (select jsonb_agg(jsonb_build_object('id', (1000 + i)::text, 'state', case when i % 3 = 0 then 'active' else 'idle' end,
                  'waitType', case when i % 5 = 0 then 'Lock' when i % 3 = 0 then 'IO' end, 'wait', case when i % 5 = 0 then 'transactionid' when i % 3 = 0 then 'DataFileRead' end,
                  'query', 'SELECT 1', 'durationSeconds', i, 'blockedBy', case when i = 5 then jsonb_build_array('1000') else '[]'::jsonb end))
              from generate_series(0, 29) i),
           '[{"id":"1005","blockedBy":["1000"]}]', '[{"id":"1000","waiters":[{"id":"1005","waiters":[]}]}]',
           '{"used":30,"max":200,"byState":{"active":10,"idle":20}}', '[]'
      from generate_series(0, ${s.targets - 1}) t, generate_series(${new Date(now.getTime() - 6 * HOUR)}::timestamptz, ${now}::timestamptz, interval '1 minute') ts`.execute(db);
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
  await sql`analyze`.execute(db);
  const counts: Record<string, number> = {};
  for (const t of ['metric_points', 'metric_rollup_1m', 'metric_rollup_1h', 'query_stats', 'activity_snapshots']) {
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(t)}`.execute(db);
    counts[t] = rows[0]?.n ?? 0;
  }
  return counts;
}
