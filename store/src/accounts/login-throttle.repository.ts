import { sql, type Kysely } from 'kysely';
import type { Database } from '../database';

/** The latest lock end among the keys, if any is locked now. */
export async function lockedUntil(db: Kysely<Database>, keys: readonly string[]): Promise<Date | undefined> {
  const row = await db
    .selectFrom('login_throttle')
    .select((eb) => eb.fn.max('locked_until').as('until'))
    .where('key', 'in', keys)
    .where('locked_until', '>', sql<Date>`now()`)
    .executeTakeFirst();
  return row?.until ? new Date(row.until as Date) : undefined;
}

/**
 * Counts one failure for the key within a fixed window (a new window starts once the old one is over) and locks the
 * key when the count reaches `max`. One upsert, so concurrent failures from several API replicas all count.
 */
export async function recordLoginFailure(db: Kysely<Database>, key: string, max: number, windowMs: number, lockMs: number): Promise<void> {
  const windowSecs = windowMs / 1000;
  const lockSecs = lockMs / 1000;
  await sql`
    insert into login_throttle (key, failures, window_started_at, locked_until)
    values (${key}, 1, now(), case when 1 >= ${max}::int then now() + make_interval(secs => ${lockSecs}) end)
    on conflict (key) do update set
      failures = case when login_throttle.window_started_at < now() - make_interval(secs => ${windowSecs}) then 1 else login_throttle.failures + 1 end,
      window_started_at = case when login_throttle.window_started_at < now() - make_interval(secs => ${windowSecs}) then now() else login_throttle.window_started_at end,
      locked_until = case
        when (case when login_throttle.window_started_at < now() - make_interval(secs => ${windowSecs}) then 1 else login_throttle.failures + 1 end) >= ${max}::int
        then now() + make_interval(secs => ${lockSecs})
        else login_throttle.locked_until end`.execute(db);
}

export async function clearLoginFailures(db: Kysely<Database>, key: string): Promise<void> {
  await db.deleteFrom('login_throttle').where('key', '=', key).execute();
}

/** Forgets counters whose window is over and that hold no lock, so address sprays do not grow the table for ever. */
export async function deleteStaleLoginThrottle(db: Kysely<Database>, windowMs: number): Promise<void> {
  await db
    .deleteFrom('login_throttle')
    .where('window_started_at', '<', sql<Date>`now() - make_interval(secs => ${windowMs / 1000})`)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', sql<Date>`now()`)]))
    .execute();
}
