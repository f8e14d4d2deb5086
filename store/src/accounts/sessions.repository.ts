import { sql } from 'kysely';
import type { Db } from '../db';
import type { NewSessionRow, Role } from './accounts.tables';

export async function insertSession(db: Db, row: NewSessionRow): Promise<void> {
  await db.insertInto('sessions').values(row).execute();
}

export interface ActiveSession {
  user_id: string;
  organization_id: string;
  csrf_token: string;
  email: string;
  role: Role;
  last_seen_at: Date;
}

/** The session and its user's current role, if the session is neither past its expiry nor idle for too long. */
export async function findActiveSession(db: Db, tokenHash: string, idleMs: number): Promise<ActiveSession | undefined> {
  return db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select(['sessions.user_id', 'sessions.organization_id', 'sessions.csrf_token', 'sessions.last_seen_at', 'users.email', 'users.role'])
    .where('sessions.token_hash', '=', tokenHash)
    .where('sessions.expires_at', '>', sql<Date>`now()`)
    .where('sessions.last_seen_at', '>', sql<Date>`now() - make_interval(secs => ${idleMs / 1000})`)
    // A user moved to another organization (not possible today) must not keep a session of the old one.
    .whereRef('sessions.organization_id', '=', 'users.organization_id')
    .executeTakeFirst();
}

export async function touchSession(db: Db, tokenHash: string): Promise<void> {
  await db.updateTable('sessions').set({ last_seen_at: sql<Date>`now()` }).where('token_hash', '=', tokenHash).execute();
}

export async function deleteSession(db: Db, tokenHash: string): Promise<void> {
  await db.deleteFrom('sessions').where('token_hash', '=', tokenHash).execute();
}

export async function deleteExpiredSessions(db: Db, idleMs: number): Promise<void> {
  await db
    .deleteFrom('sessions')
    .where((eb) => eb.or([eb('expires_at', '<=', sql<Date>`now()`), eb('last_seen_at', '<=', sql<Date>`now() - make_interval(secs => ${idleMs / 1000})`)]))
    .execute();
}
