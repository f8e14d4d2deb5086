import type { Transaction } from 'kysely';
import type { Db } from '../db';
import type { Database } from '../database';
import type { NewUserRow, Role, UserRow } from './accounts.tables';

export async function insertUser(db: Db, row: NewUserRow): Promise<UserRow> {
  return db.insertInto('users').values(row).returningAll().executeTakeFirstOrThrow();
}

/** Emails are stored and looked up trimmed and lower-cased: one address is one account however it was typed. */
export function canonicalEmail(email: string): string {
  return email.trim().toLowerCase();
}

export async function findUserByEmail(db: Db, email: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
}

/** Tenant-scoped: another organization's user id finds nothing. */
export async function findUser(db: Db, organizationId: string, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();
}

export async function listUsers(db: Db, organizationId: string, afterId: string | undefined, limit: number): Promise<UserRow[]> {
  let q = db.selectFrom('users').selectAll().where('organization_id', '=', organizationId);
  if (afterId) q = q.where('id', '>', afterId);
  return q.orderBy('id').limit(limit).execute();
}

/** Locks the organization's owners (in `trx`) and returns their ids: the last-owner check cannot race another change. */
export async function lockOwnerIds(trx: Transaction<Database>, organizationId: string): Promise<string[]> {
  const rows = await trx.selectFrom('users').select('id').where('organization_id', '=', organizationId).where('role', '=', 'owner').forUpdate().execute();
  return rows.map((r) => r.id);
}

export async function updateUserRole(db: Db, organizationId: string, id: string, role: Role): Promise<void> {
  await db.updateTable('users').set({ role, updated_at: new Date() }).where('organization_id', '=', organizationId).where('id', '=', id).execute();
}

export async function deleteUser(db: Db, organizationId: string, id: string): Promise<void> {
  await db.deleteFrom('users').where('organization_id', '=', organizationId).where('id', '=', id).execute();
}

export async function countUsers(db: Db): Promise<number> {
  const row = await db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}
