import type { Document } from 'mongodb';
import type { AreaContext, AreaResult } from './area';
import { runCommand } from './client';
import { toPlain } from './plain';
import type { MongodbRow } from './sections';

/**
 * https://www.mongodb.com/docs/manual/reference/command/usersInfo/
 * https://www.mongodb.com/docs/manual/reference/command/rolesInfo/
 * Users of every database with their roles and mechanisms, and the custom roles with their privileges. Never the
 * credentials: they are not asked for (`showCredentials: false`) and are stripped anyway, as is `customData`
 * (free-form application data). Needs the viewUser/viewRole actions (not in clusterMonitor; see agent/setup/mongodb.js).
 */
export const usersInfoCommand = Object.freeze({ usersInfo: { forAllDBs: true }, showCredentials: false, showCustomData: false });
export const rolesInfoCommand = Object.freeze({ rolesInfo: 1, showPrivileges: true, showBuiltinRoles: false });

const NEVER_SENT = new Set(['credentials', 'customData', 'pwd', 'password']);

export async function collectUsersAndRoles(ctx: AreaContext, databases: string[]): Promise<AreaResult> {
  const usersReply = await runCommand(ctx.admin, usersInfoCommand, ctx.timeoutMs);
  const users = (Array.isArray(usersReply.users) ? (usersReply.users as Document[]) : []).map(userRow);
  // Custom roles live in their database: ask each one (admin first, where cluster-wide roles are defined).
  const roles: Array<MongodbRow<'roles'>> = [];
  for (const name of ['admin', ...databases.filter((d) => d !== 'admin')]) {
    if (ctx.signal.aborted) break;
    const reply = await runCommand(ctx.db(name), rolesInfoCommand, ctx.timeoutMs);
    for (const role of Array.isArray(reply.roles) ? (reply.roles as Document[]) : []) roles.push(withoutSecrets(role) as MongodbRow<'roles'>);
  }
  return { data: { users, roles } };
}

/** A user as sent: an allow-list of fields, so credentials cannot slip through whatever the server returns. */
export function userRow(u: Document): MongodbRow<'users'> {
  return {
    user: u.user,
    db: u.db,
    roles: toPlain(u.roles ?? []),
    mechanisms: toPlain(u.mechanisms ?? []),
    authenticationRestrictions: toPlain(u.authenticationRestrictions ?? []),
  };
}

function withoutSecrets(doc: Document): unknown {
  return toPlain(Object.fromEntries(Object.entries(doc).filter(([key]) => !NEVER_SENT.has(key))));
}
