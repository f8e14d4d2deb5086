import type { Db } from '../db';
import type { OrganizationRow } from './accounts.tables';

export async function insertOrganization(db: Db, id: string, name: string): Promise<OrganizationRow> {
  return db.insertInto('organizations').values({ id, name }).returningAll().executeTakeFirstOrThrow();
}

export async function findOrganization(db: Db, id: string): Promise<OrganizationRow | undefined> {
  return db.selectFrom('organizations').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function updateOrganizationName(db: Db, id: string, name: string): Promise<void> {
  await db.updateTable('organizations').set({ name, updated_at: new Date() }).where('id', '=', id).execute();
}
