import { sql, type Kysely } from 'kysely';

// Frozen in time: never import application types here.
// The normalized store behind the explorers. Every table carries organization_id and every key starts with it.
// Time series live in tables range-partitioned by day on `ts` so retention drops a whole partition instead of deleting
// rows; logstag_ensure_partitions() creates the days ahead (normalization and the retention workflow call it).

/** Partitioned by day; the parents are the only tables logstag_ensure_partitions() will touch. */
const PARTITIONED = ['metric_points', 'metric_rollup_1m', 'query_stats', 'activity_snapshots'] as const;

export async function up(db: Kysely<any>): Promise<void> {
  // Raw points: one row per (series, collection). `labels_key` is the canonical JSON text of the labels ('{}' for
  // none), so it can sit in the primary key that makes normalization an idempotent upsert.
  await sql`create table metric_points (
    organization_id text not null,
    target_id text not null,
    metric text not null,
    labels_key text not null,
    ts timestamptz not null,
    value double precision not null,
    primary key (organization_id, target_id, metric, labels_key, ts)
  ) partition by range (ts)`.execute(db);
  // Minute rollups, rebuilt from raw by the retention workflow (recomputed, never incremented: idempotent).
  await sql`create table metric_rollup_1m (
    organization_id text not null,
    target_id text not null,
    metric text not null,
    labels_key text not null,
    ts timestamptz not null,
    sum double precision not null,
    count integer not null,
    min double precision not null,
    max double precision not null,
    primary key (organization_id, target_id, metric, labels_key, ts)
  ) partition by range (ts)`.execute(db);
  // Hour rollups are small (24 rows per series and day): one table, expired rows deleted by retention.
  await sql`create table metric_rollup_1h (
    organization_id text not null,
    target_id text not null,
    metric text not null,
    labels_key text not null,
    ts timestamptz not null,
    sum double precision not null,
    count integer not null,
    min double precision not null,
    max double precision not null,
    primary key (organization_id, target_id, metric, labels_key, ts)
  )`.execute(db);
  await sql`create index metric_rollup_1h_ts_idx on metric_rollup_1h (ts)`.execute(db);

  // One row per series: what a target reports (the explorer's metric list) and its latest value (connections now).
  await sql`create table metric_series (
    organization_id text not null,
    target_id text not null,
    metric text not null,
    labels_key text not null,
    labels jsonb not null,
    kind text not null check (kind in ('gauge', 'delta')),
    first_ts timestamptz not null,
    last_ts timestamptz not null,
    last_value double precision not null,
    primary key (organization_id, target_id, metric, labels_key)
  )`.execute(db);
  // Hours that received points older than the live window (replayed payloads): the rollup job rebuilds them.
  await sql`create table rollup_pending (
    organization_id text not null,
    hour timestamptz not null,
    primary key (organization_id, hour)
  )`.execute(db);

  // Normalized statement text, stored once per (organization, target, fingerprint).
  await sql`create table queries (
    organization_id text not null,
    target_id text not null,
    fingerprint text not null,
    engine text not null,
    database_name text,
    query_text text,
    first_seen timestamptz not null,
    last_seen timestamptz not null,
    primary key (organization_id, target_id, fingerprint)
  )`.execute(db);
  // Per collection: deltas of the statement's counters over the collection interval.
  await sql`create table query_stats (
    organization_id text not null,
    target_id text not null,
    fingerprint text not null,
    ts timestamptz not null,
    calls double precision not null,
    total_time_ms double precision not null,
    rows double precision not null,
    blocks_hit double precision not null,
    blocks_read double precision not null,
    primary key (organization_id, target_id, ts, fingerprint)
  ) partition by range (ts)`.execute(db);

  // One runtime snapshot per collection, as normalized documents: sessions, waits, locks, blocking tree,
  // connections and replication. Kept 48 h by default.
  await sql`create table activity_snapshots (
    organization_id text not null,
    target_id text not null,
    ts timestamptz not null,
    payload_id uuid not null,
    sessions jsonb not null,
    lock_waits jsonb not null,
    blocking jsonb not null,
    connections jsonb,
    replication jsonb not null,
    primary key (organization_id, target_id, ts)
  ) partition by range (ts)`.execute(db);

  // Configuration, access (users/roles/privileges) and schema: a snapshot is stored only when it differs from the
  // previous one of its kind, and the difference is recorded item by item in snapshot_changes.
  await sql`create table snapshots (
    organization_id text not null,
    target_id text not null,
    kind text not null check (kind in ('schema', 'settings', 'access')),
    ts timestamptz not null,
    payload_id uuid not null,
    digest text not null,
    items jsonb not null,
    primary key (organization_id, target_id, kind, ts)
  )`.execute(db);
  await sql`create unique index snapshots_payload_kind_idx on snapshots (payload_id, kind)`.execute(db);
  await sql`create table snapshot_changes (
    id bigint generated always as identity primary key,
    organization_id text not null,
    target_id text not null,
    kind text not null,
    ts timestamptz not null,
    payload_id uuid not null,
    object_type text not null,
    object_name text not null,
    change text not null check (change in ('added', 'removed', 'altered')),
    before jsonb,
    after jsonb
  )`.execute(db);
  await sql`create index snapshot_changes_target_idx on snapshot_changes (organization_id, target_id, ts desc, id desc)`.execute(db);
  await sql`create unique index snapshot_changes_idempotent_idx on snapshot_changes (payload_id, kind, object_type, object_name)`.execute(db);

  // Assets.
  await sql`create table agents (
    organization_id text not null,
    agent_id text not null,
    hostname text,
    version text,
    first_seen timestamptz not null,
    last_heartbeat timestamptz not null,
    facts jsonb not null,
    primary key (organization_id, agent_id)
  )`.execute(db);
  await sql`create table hosts (
    organization_id text not null,
    hostname text not null,
    agent_id text not null,
    facts jsonb not null,
    last_seen timestamptz not null,
    primary key (organization_id, hostname)
  )`.execute(db);
  await sql`create table targets (
    organization_id text not null,
    target_id text not null,
    engine text not null,
    agent_id text,
    version text,
    tags jsonb not null default '{}',
    status text not null default 'unknown' check (status in ('ok', 'failing', 'unknown')),
    last_seen timestamptz,
    last_payloads jsonb not null default '{}',
    last_errors jsonb not null default '[]',
    primary key (organization_id, target_id)
  )`.execute(db);

  // Days are UTC days. Creates the daily partitions of one allow-listed parent for [from_day, from_day + days). Identifiers are built
  // with format('%I') from a fixed parent name and a date: nothing from a payload or a request reaches the DDL.
  await sql`
    create function logstag_ensure_partitions(parent text, from_day date, days integer) returns integer
    language plpgsql as $$
    declare
      d date;
      part text;
      created integer := 0;
    begin
      if parent not in (${sql.raw(PARTITIONED.map((p) => `'${p}'`).join(', '))}) then
        raise exception 'logstag_ensure_partitions: % is not a partitioned Logstag table', parent;
      end if;
      if days < 1 or days > 400 then
        raise exception 'logstag_ensure_partitions: days must be between 1 and 400, got %', days;
      end if;
      for i in 0 .. days - 1 loop
        d := from_day + i;
        part := parent || '_p' || to_char(d, 'YYYYMMDD');
        if to_regclass(part) is null then
          execute format('create table %I partition of %I for values from (%L) to (%L)',
            part, parent, d::timestamp at time zone 'UTC', (d + 1)::timestamp at time zone 'UTC');
          created := created + 1;
        end if;
      end loop;
      return created;
    end
    $$`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop function if exists logstag_ensure_partitions(text, date, integer)`.execute(db);
  for (const table of [
    'targets', 'hosts', 'agents', 'snapshot_changes', 'snapshots', 'activity_snapshots', 'query_stats', 'queries',
    'rollup_pending', 'metric_series', 'metric_rollup_1h', 'metric_rollup_1m', 'metric_points',
  ]) {
    await sql`drop table if exists ${sql.table(table)}`.execute(db);
  }
}
