import { MongoServerError, type Document, type MongoClient } from 'mongodb';
import type { CheckResult, TargetSpec } from '../types';
import { errorMessage, runCommand } from './client';
import { asRecord } from './plain';

/**
 * https://www.mongodb.com/docs/manual/reference/command/connectionStatus/ (`showPrivileges` lists the actions the
 * authenticated user holds, per resource), checked against what the collectors run.
 */
export const connectionStatusCommand = Object.freeze({ connectionStatus: 1, showPrivileges: true });

export const MIN_VERSION = [4, 4] as const;

interface Need {
  resource: { cluster: true } | { db: string; collection: string };
  action: string;
}

/** clusterMonitor's actions the collectors use (cluster-wide ones, then the per-collection statistics). */
const CLUSTER_MONITOR_NEEDS: Need[] = [
  ...['serverStatus', 'replSetGetStatus', 'top', 'inprog', 'listDatabases', 'connPoolStats', 'getCmdLineOpts', 'getParameter', 'hostInfo'].map(
    (action) => ({ resource: { cluster: true } as const, action }),
  ),
  ...['collStats', 'indexStats', 'dbStats'].map((action) => ({ resource: { db: '', collection: '' }, action })),
];
/** The oplog window reads the first and last oplog entries' ts: `read` on `local`. */
const OPLOG_NEEDS: Need[] = [{ resource: { db: 'local', collection: 'oplog.rs' }, action: 'find' }];
/** Users and roles: not in clusterMonitor; agent/setup/mongodb.js grants them through a small custom role. */
const USER_ADMIN_NEEDS: Need[] = [{ resource: { db: '', collection: '' }, action: 'viewUser' }, { resource: { db: '', collection: '' }, action: 'viewRole' }];

export function grantFix(user: string | undefined): string {
  return `db.getSiblingDB("admin").grantRolesToUser(${JSON.stringify(user ?? 'logstag_monitor')}, [{ role: "clusterMonitor", db: "admin" }, { role: "read", db: "local" }])`;
}

function viewUsersFix(user: string | undefined): string {
  return (
    'db.getSiblingDB("admin").createRole({ role: "logstagViewUsers", privileges: [{ resource: { db: "", collection: "" }, actions: ["viewUser", "viewRole"] }], roles: [] }); ' +
    `db.getSiblingDB("admin").grantRolesToUser(${JSON.stringify(user ?? 'logstag_monitor')}, [{ role: "logstagViewUsers", db: "admin" }])`
  );
}

/** Turns a failed connect into the reason a person can act on: refused, unknown host, timeout, or bad credentials. */
export function connectFailure(error: unknown, target: TargetSpec): CheckResult[] {
  const where = target.socket ?? `${target.host ?? '127.0.0.1'}:${target.port ?? 27017}`;
  const text = describeCause(error);
  if (error instanceof MongoServerError && (error.code === 18 || error.codeName === 'AuthenticationFailed')) {
    return [
      { check: 'reachable', ok: true, detail: `connected to ${where}` },
      { check: 'authentication', ok: false, detail: `authentication failed for user ${JSON.stringify(target.user ?? '')}: ${error.message}`, fix: 'check the user name, password and authSource (the database the user was created in)' },
    ];
  }
  return [{ check: 'reachable', ok: false, detail: `cannot reach MongoDB at ${where}: ${text}` }];
}

function describeCause(error: unknown): string {
  const all = `${errorMessage(error)} ${causeChain(error)}`;
  if (/ECONNREFUSED/.test(all)) return 'connection refused (is mongod listening on that address and port?)';
  if (/ENOTFOUND|EAI_AGAIN|getaddrinfo/.test(all)) return 'host name not found (DNS)';
  if (/ECONNRESET|closed|EPIPE/.test(all)) return `the server closed the connection (${errorMessage(error)})`;
  if (/timed out|Server selection/i.test(all)) return `no answer before the timeout (${errorMessage(error)})`;
  return errorMessage(error);
}

function causeChain(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let i = 0; i < 5 && current && typeof current === 'object'; i++) {
    const c = current as { cause?: unknown; reason?: { error?: unknown; servers?: Map<string, { error?: unknown }> } };
    if (c.reason?.servers) for (const s of c.reason.servers.values()) if (s.error) parts.push(errorMessage(s.error), causeChain(s.error));
    current = c.cause;
    if (current) parts.push(errorMessage(current));
  }
  return parts.join(' ');
}

/** Version, then privileges, once connected. Every step catches its own failure: check() never throws. */
export async function checkConnected(client: MongoClient, target: TargetSpec, enabled: (collector: string) => boolean): Promise<CheckResult[]> {
  const admin = client.db('admin');
  const results: CheckResult[] = [
    { check: 'reachable', ok: true, detail: `connected to ${target.socket ?? `${target.host ?? '127.0.0.1'}:${target.port ?? 27017}`}` },
    { check: 'authentication', ok: true, detail: target.user ? `authenticated as ${target.user}` : 'no user configured: connected without authentication' },
  ];
  try {
    const build = await runCommand(admin, { buildInfo: 1 }, target.statementTimeoutMs);
    const version = Array.isArray(build.versionArray) ? (build.versionArray as unknown[]).map(Number) : String(build.version ?? '').split('.').map(Number);
    const [major = 0, minor = 0] = version;
    const ok = major > MIN_VERSION[0] || (major === MIN_VERSION[0] && minor >= MIN_VERSION[1]);
    results.push({ check: 'version', ok, detail: `MongoDB ${String(build.version)}${ok ? '' : ' (4.4 or later is required)'}` });
  } catch (error) {
    results.push({ check: 'version', ok: false, detail: `buildInfo failed: ${errorMessage(error)}` });
  }

  let status: Document;
  try {
    status = await runCommand(admin, connectionStatusCommand, target.statementTimeoutMs);
  } catch (error) {
    // Without connectionStatus nothing can be said about privileges: unknown is reported as a failed check.
    const detail = `could not verify privileges: connectionStatus failed: ${errorMessage(error)}`;
    results.push({ check: 'privilege:clusterMonitor', ok: false, detail, fix: grantFix(target.user) });
    if (enabled('oplogWindow')) results.push({ check: 'privilege:read@local', ok: false, detail, fix: grantFix(target.user) });
    return results;
  }
  const authInfo = asRecord(status.authInfo);
  const users = Array.isArray(authInfo.authenticatedUsers) ? authInfo.authenticatedUsers : [];
  const privileges = (Array.isArray(authInfo.authenticatedUserPrivileges) ? authInfo.authenticatedUserPrivileges : []) as Document[];
  if (users.length === 0) {
    results.push(await unauthenticatedProbe(admin, target));
    return results;
  }
  results.push(...privilegeChecks(privileges, target.user, enabled));
  return results;
}

/** The privilege checks from connectionStatus's `authenticatedUserPrivileges`, one per role the setup grants. */
export function privilegeChecks(privileges: Document[], user: string | undefined, enabled: (collector: string) => boolean): CheckResult[] {
  const results = [privilegeResult('privilege:clusterMonitor', CLUSTER_MONITOR_NEEDS, privileges, grantFix(user))];
  if (enabled('oplogWindow')) results.push(privilegeResult('privilege:read@local', OPLOG_NEEDS, privileges, grantFix(user)));
  if (enabled('users')) results.push(privilegeResult('privilege:viewUser', USER_ADMIN_NEEDS, privileges, viewUsersFix(user)));
  return results;
}

/** No authenticated user: access control is either off or will refuse everything; serverStatus tells which. */
async function unauthenticatedProbe(admin: ReturnType<MongoClient['db']>, target: TargetSpec): Promise<CheckResult> {
  try {
    await runCommand(admin, { serverStatus: 1, metrics: 0 }, target.statementTimeoutMs);
    return { check: 'privilege:clusterMonitor', ok: true, detail: 'no authenticated user and serverStatus answers: access control is not enabled' };
  } catch (error) {
    return { check: 'privilege:clusterMonitor', ok: false, detail: `no authenticated user and serverStatus fails: ${errorMessage(error)}`, fix: 'create the monitoring user with agent/setup/mongodb.js and configure it' };
  }
}

function privilegeResult(check: string, needs: Need[], privileges: Document[], fix: string): CheckResult {
  const missing = needs.filter((need) => !privileges.some((p) => covers(p, need)));
  if (missing.length === 0) return { check, ok: true, detail: `has ${needs.map((n) => n.action).join(', ')}` };
  return { check, ok: false, detail: `missing actions: ${missing.map((n) => `${n.action} on ${describeResource(n.resource)}`).join(', ')}`, fix };
}

function covers(privilege: Document, need: Need): boolean {
  const actions = Array.isArray(privilege.actions) ? (privilege.actions as unknown[]) : [];
  if (!actions.includes(need.action) && !actions.includes('anyAction')) return false;
  const r = asRecord(privilege.resource);
  if (r.anyResource === true) return true;
  if ('cluster' in need.resource) return r.cluster === true;
  const { db, collection } = need.resource;
  if (typeof r.db !== 'string' || typeof r.collection !== 'string') return false;
  const dbMatches = r.db === '' || r.db === db;
  const collectionMatches = r.collection === '' ? !collection.startsWith('system.') || r.db !== '' : r.collection === collection;
  return dbMatches && collectionMatches;
}

function describeResource(resource: Need['resource']): string {
  if ('cluster' in resource) return 'the cluster';
  if (resource.db === '' && resource.collection === '') return 'every database';
  return `${resource.db}.${resource.collection}`;
}
