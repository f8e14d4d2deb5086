import { sql, type Kysely } from 'kysely';

const PARTITIONED = ['metric_points', 'metric_rollup_1m', 'query_stats', 'activity_snapshots'] as const;

/**
 * logstag_ensure_partitions tolerates a partition another session created a moment before. Callers serialize creation
 * with an advisory lock, but an advisory lock does not make a backend read the catalog invalidations of the session
 * that held it: to_regclass can still answer "missing" from a stale cache, and the CREATE then fails with
 * "relation … already exists" (42P07) or, racing on the catalog row itself, a unique violation (23505). Both now mean
 * "it exists", which is what the caller wanted.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create or replace function logstag_ensure_partitions(parent text, from_day date, days integer) returns integer
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
          begin
            execute format('create table %I partition of %I for values from (%L) to (%L)',
              part, parent, d::timestamp at time zone 'UTC', (d + 1)::timestamp at time zone 'UTC');
            created := created + 1;
          exception when duplicate_table or unique_violation then
            null;
          end;
        end if;
      end loop;
      return created;
    end
    $$`.execute(db);
}

export async function down(): Promise<void> {
  // The earlier definition (20261202T1000) differs only in failing on the race; nothing to undo.
}
