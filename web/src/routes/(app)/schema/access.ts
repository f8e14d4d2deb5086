// Who may do what, per user, from the latest access snapshot (activities/src/normalize/engines/*: operational()).
// The snapshot lists principals, memberships and grants per grantee; an operator asks the other way round: what can
// this login do, including what it gets through its roles?
import type { SchemaObject } from '$lib/api';

export interface UserGrant {
  /** What the privileges apply to, as the engine names it: `table db.public.t`, `shop.*`, `keys`, … */
  object: string;
  privileges: string[];
  /** null: granted to the user itself; otherwise the role (or PUBLIC) it comes through. */
  via: string | null;
}

export interface UserAccess {
  name: string;
  /** Roles the user holds, directly or through other roles, as shown (e.g. `readers (SET ROLE)`). */
  roles: string[];
  /** Attributes that decide more than any grant does (superuser, disabled, no password…). */
  notes: string[];
  grants: UserGrant[];
}

const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);
/** The user's own grants first, then those through roles, then PUBLIC's (the same for everyone); by object within. */
const rank = (g: UserGrant) => (g.via === null ? 0 : g.via === 'PUBLIC' ? 2 : 1);
const byObject = (a: UserGrant, b: UserGrant) => rank(a) - rank(b) || a.object.localeCompare(b.object) || (a.via ?? '').localeCompare(b.via ?? '');

/**
 * Splits `<principal><separator><rest>` where the principal is one of `names`. Names may contain spaces (and even the
 * separator), so the longest known name that fits wins instead of the first space.
 */
export function splitByPrincipal(text: string, separator: string, names: ReadonlySet<string>): [string, string] | undefined {
  let best: [string, string] | undefined;
  for (let at = text.indexOf(separator); at >= 0; at = text.indexOf(separator, at + 1)) {
    const head = text.slice(0, at);
    if (names.has(head)) best = [head, text.slice(at + separator.length)];
  }
  return best;
}

/** Roles reachable from `start` over `edges` (member → held roles), each once, nearest first. */
function reachable(start: string, edges: ReadonlyMap<string, Array<{ role: string; label: string }>>): Array<{ role: string; label: string }> {
  const seen = new Set<string>([start]);
  const out: Array<{ role: string; label: string }> = [];
  const queue = [start];
  while (queue.length > 0) {
    const next = queue.shift() ?? '';
    for (const e of edges.get(next) ?? []) {
      if (seen.has(e.role)) continue;
      seen.add(e.role);
      out.push(e);
      queue.push(e.role);
    }
  }
  return out;
}

function addEdge(edges: Map<string, Array<{ role: string; label: string }>>, member: string, role: string, label = role): void {
  edges.set(member, [...(edges.get(member) ?? []), { role, label }]);
}

/** Privilege items grouped by grantee: `<grantee> on <object>` (PostgreSQL, MySQL/MariaDB). */
function grantsByGrantee(items: readonly SchemaObject[], names: ReadonlySet<string>): Map<string, Array<{ object: string; privileges: string[]; def: Record<string, unknown> }>> {
  const out = new Map<string, Array<{ object: string; privileges: string[]; def: Record<string, unknown> }>>();
  for (const i of items) {
    if (i.type !== 'privilege') continue;
    const split = splitByPrincipal(i.name, ' on ', names);
    if (!split) continue;
    const [grantee, object] = split;
    const def = i.definition ?? {};
    out.set(grantee, [...(out.get(grantee) ?? []), { object, privileges: list(def.privileges), def }]);
  }
  return out;
}

/** How a role's password is stored, when the agent could read pg_authid (a superuser monitoring user only). */
function pgPasswordNote(def: Record<string, unknown>): string[] {
  // Snapshots from agents before issue 14's account facts carry no password_readable: nothing said then.
  if (def.password_readable === undefined) return [];
  if (def.password_readable !== true) return ['password encryption: not readable (pg_authid needs superuser)'];
  return [def.password_set === true ? `password: ${typeof def.password_encryption === 'string' ? def.password_encryption : 'set'}` : 'no password'];
}

/** What the snapshot says it could not read (Redis: ACL LIST refused), with the reason, for the view to say so. */
export function unreadableAccess(items: readonly SchemaObject[]): Array<{ name: string; reason: string }> {
  return items.filter((i) => i.type === 'unreadable').map((i) => ({ name: i.name, reason: typeof i.definition?.reason === 'string' ? i.definition.reason : 'not readable' }));
}

/** PostgreSQL: users are roles that can log in; privileges come directly, through inherited roles, and to PUBLIC. */
function postgresql(items: readonly SchemaObject[]): UserAccess[] {
  const roles = items.filter((i) => i.type === 'role');
  const names = new Set([...roles.map((r) => r.name), 'PUBLIC']);
  const edges = new Map<string, Array<{ role: string; label: string }>>();
  for (const m of items.filter((i) => i.type === 'membership')) {
    const split = splitByPrincipal(m.name, ' in ', names);
    if (!split || !names.has(split[1])) continue;
    // Without INHERIT a member gets the role's privileges only after SET ROLE (PostgreSQL 16's inherit_option).
    const inherits = m.definition?.inherit_option !== false;
    addEdge(edges, split[0], split[1], inherits ? split[1] : `${split[1]} (SET ROLE)`);
  }
  const grants = grantsByGrantee(items, names);
  return roles
    .filter((r) => r.definition?.rolcanlogin === true)
    .map((r) => {
      const held = reachable(r.name, edges);
      const out: UserGrant[] = [];
      for (const g of grants.get(r.name) ?? []) out.push({ object: g.object, privileges: g.privileges, via: null });
      for (const h of held) for (const g of grants.get(h.role) ?? []) out.push({ object: g.object, privileges: g.privileges, via: h.label });
      for (const g of grants.get('PUBLIC') ?? []) out.push({ object: g.object, privileges: g.privileges, via: 'PUBLIC' });
      const def = r.definition ?? {};
      const notes = [
        ...(def.rolsuper === true ? ['superuser: every privilege check is bypassed'] : []),
        ...(def.rolbypassrls === true ? ['bypasses row-level security'] : []),
        ...(def.rolcreaterole === true ? ['may create roles'] : []),
        ...(def.rolcreatedb === true ? ['may create databases'] : []),
        ...(def.rolreplication === true ? ['replication'] : []),
        ...pgPasswordNote(def),
      ];
      return { name: r.name, roles: held.map((h) => h.label), notes, grants: out.sort(byObject) };
    });
}

/** MySQL/MariaDB: accounts are user@host; global privileges sit on the account, the rest in grants, roles as `role R`. */
function mysql(items: readonly SchemaObject[]): UserAccess[] {
  const accounts = items.filter((i) => i.type === 'user' || i.type === 'role');
  const names = new Set(accounts.map((a) => a.name));
  // A role grant names the role without its host; MariaDB roles are stored with an empty host (`R@`).
  const roleAccount = (role: string) => accounts.find((a) => a.name === `${role}@` && a.type === 'role')?.name ?? accounts.find((a) => a.name.startsWith(`${role}@`))?.name ?? `${role}@`;
  const grants = grantsByGrantee(items, names);
  const edges = new Map<string, Array<{ role: string; label: string }>>();
  for (const [grantee, gs] of grants) {
    for (const g of gs) {
      if (g.def.level !== 'role') continue;
      const role = g.object.replace(/^role /, '');
      const isDefault = accounts.find((a) => a.name === grantee)?.definition?.defaultRole === role;
      // MariaDB enables a granted role only by SET ROLE or as the account's default role.
      addEdge(edges, grantee, roleAccount(role), isDefault ? `${role} (default role)` : role);
    }
  }
  const own = (name: string): Array<{ object: string; privileges: string[] }> => {
    const account = accounts.find((a) => a.name === name);
    const global = list(account?.definition?.globalPrivileges);
    const granted = (grants.get(name) ?? []).filter((g) => g.def.level !== 'role').map((g) => ({ object: g.object, privileges: g.privileges }));
    return [...(global.length > 0 ? [{ object: '*.*', privileges: global }] : []), ...granted];
  };
  return accounts
    .filter((a) => a.type === 'user')
    .map((a) => {
      const held = reachable(a.name, edges);
      const out: UserGrant[] = [
        ...own(a.name).map((g) => ({ ...g, via: null })),
        ...held.flatMap((h) => own(h.role).map((g) => ({ object: g.object, privileges: g.privileges, via: h.label }))),
      ];
      const def = a.definition ?? {};
      const grantable = def.grantOption === true || out.some((g) => g.via === null && g.privileges.some((p) => p === 'GRANT' || p === 'GRANT OPTION' || p === 'ALL PRIVILEGES'));
      const notes = [
        ...(def.accountLocked === true ? ['account locked'] : []),
        ...(def.passwordExpired === true ? ['password expired'] : []),
        // Snapshots from agents before issue 14's account facts carry no hasPassword (undefined): nothing said then.
        ...(def.hasPassword === false ? ['no password'] : def.hasPassword === true ? ['has a password'] : def.hasPassword === null ? ['password: not readable'] : []),
        ...(grantable ? ['WITH GRANT OPTION'] : []),
      ];
      return { name: a.name, roles: held.map((h) => h.label), notes, grants: out.sort(byObject) };
    });
}

/** Redis: ACL users carry their rules themselves (no roles). */
function redis(items: readonly SchemaObject[]): UserAccess[] {
  return items
    .filter((i) => i.type === 'user')
    .map((u) => {
      const def = u.definition ?? {};
      const grants: UserGrant[] = [
        { object: 'commands', privileges: list(def.commands), via: null },
        { object: 'keys', privileges: list(def.keyPatterns), via: null },
        { object: 'channels', privileges: list(def.channelPatterns), via: null },
        ...list(def.selectors).map((s) => ({ object: 'selector', privileges: [s], via: null })),
      ].filter((g) => g.privileges.length > 0);
      const notes = [...(def.enabled === false ? ['disabled (off)'] : []), ...(def.noPassword === true ? ['no password (nopass)'] : []), ...list(def.flags)];
      return { name: u.name, roles: [], notes, grants };
    });
}

/** MongoDB: users hold roles (role@db); custom roles list their privileges and the roles they inherit. */
function mongodb(items: readonly SchemaObject[]): UserAccess[] {
  const custom = new Map(items.filter((i) => i.type === 'role').map((r) => [r.name, r.definition ?? {}]));
  const ref = (v: unknown): string | null => {
    const r = v as { role?: unknown; db?: unknown } | null;
    return r && typeof r.role === 'string' ? `${r.role}@${String(r.db ?? '')}` : null;
  };
  const edges = new Map<string, Array<{ role: string; label: string }>>();
  for (const [name, def] of custom) for (const r of Array.isArray(def.roles) ? def.roles : []) {
    const held = ref(r);
    if (held) addEdge(edges, name, held);
  }
  const resource = (v: unknown): string => {
    const r = (v ?? {}) as { db?: unknown; collection?: unknown; cluster?: unknown };
    if (r.cluster === true) return 'cluster';
    const db = r.db ? String(r.db) : 'every database';
    return r.collection ? `${db}.${String(r.collection)}` : `${db} (all collections)`;
  };
  return items
    .filter((i) => i.type === 'user')
    .map((u) => {
      for (const r of Array.isArray(u.definition?.roles) ? u.definition.roles : []) {
        const held = ref(r);
        if (held) addEdge(edges, u.name, held);
      }
      const held = reachable(u.name, edges);
      const grants: UserGrant[] = held.flatMap((h) => {
        const def = custom.get(h.role);
        if (!def) return [{ object: `database ${h.role.slice(h.role.lastIndexOf('@') + 1)}`, privileges: [`built-in role ${h.role.slice(0, h.role.lastIndexOf('@'))}`], via: h.label }];
        return (Array.isArray(def.privileges) ? def.privileges : []).map((p: { resource?: unknown; actions?: unknown }) => ({ object: resource(p.resource), privileges: list(p.actions), via: h.label }));
      });
      return { name: u.name, roles: held.map((h) => h.label), notes: [], grants: grants.sort(byObject) };
    });
}

/** Every user of the target with what it may do; engines without users (none so far) give an empty list. */
export function accessPerUser(engine: string, items: readonly SchemaObject[]): UserAccess[] {
  const users =
    engine === 'postgresql' ? postgresql(items) : engine === 'mysql' ? mysql(items) : engine === 'redis' ? redis(items) : engine === 'mongodb' ? mongodb(items) : [];
  return users.sort((a, b) => a.name.localeCompare(b.name));
}
