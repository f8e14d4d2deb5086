import type Redis from 'ioredis';
import type { CheckResult, TargetSpec } from '../types';
import type { RedisConnection } from './connection';
import { parseInfo } from './info';

/**
 * Each command the collectors send, with the ACL rule that allows it. Probed by running it (ACL DRYRUN would itself
 * need an admin permission the monitoring user should not have). The key probes use a key that does not exist.
 */
const PROBE_KEY = 'logstag:acl-probe';

interface Probe {
  rule: string;
  args: [string, ...string[]];
  /** The collector that sends it; a disabled collector's commands are not required. */
  collector: string;
}

export const PROBES: Probe[] = [
  { rule: '+info', args: ['INFO', 'server'], collector: 'info' },
  { rule: '+client|list', args: ['CLIENT', 'LIST', 'TYPE', 'pubsub'], collector: 'clients' },
  { rule: '+slowlog|get', args: ['SLOWLOG', 'GET', '1'], collector: 'slowlog' },
  { rule: '+latency|latest', args: ['LATENCY', 'LATEST'], collector: 'latency' },
  { rule: '+config|get', args: ['CONFIG', 'GET', 'maxmemory'], collector: 'config' },
  { rule: '+acl|list', args: ['ACL', 'LIST'], collector: 'acl_users' },
  { rule: '+scan', args: ['SCAN', '0', 'COUNT', '1'], collector: 'keyspace' },
  { rule: '+select', args: ['SELECT', '0'], collector: 'keyspace' },
  { rule: '+type', args: ['TYPE', PROBE_KEY], collector: 'keyspace' },
  { rule: '+memory|usage', args: ['MEMORY', 'USAGE', PROBE_KEY], collector: 'keyspace' },
];

function where(t: TargetSpec): string {
  return t.socket ?? `${t.host ?? '127.0.0.1'}:${t.port ?? 6379}`;
}

function describeError(err: unknown, t: TargetSpec): CheckResult[] {
  const e = err as { code?: string; message?: string };
  const msg = e.message ?? String(err);
  const code = e.code ?? '';
  if (/^(WRONGPASS|NOAUTH)/.test(msg) || /invalid username-password|AUTH failed/i.test(msg)) {
    return [
      { check: 'reachable', ok: true, detail: `${where(t)} answers` },
      {
        check: 'authentication',
        ok: false,
        detail: `login refused: ${msg.split('\n')[0]}`,
        fix: `Check the password reference for target ${t.name}, or set it: ACL SETUSER ${t.user ?? 'default'} on resetpass ><password>`,
      },
    ];
  }
  const detail =
    code === 'ECONNREFUSED' ? `connection refused by ${where(t)}: is redis-server running and listening there?`
    : code === 'ENOTFOUND' || code === 'EAI_AGAIN' ? `host name of ${where(t)} does not resolve (DNS ${code})`
    : code === 'ETIMEDOUT' || /timed? ?out/i.test(msg) ? `no answer from ${where(t)} before the timeout (firewall or wrong address?)`
    : `cannot connect to ${where(t)}: ${code ? `${code}: ` : ''}${msg}`;
  return [{ check: 'reachable', ok: false, detail }];
}

export async function checkRedis(conn: RedisConnection, target: TargetSpec, disabled: readonly string[]): Promise<CheckResult[]> {
  let client: Redis;
  try {
    client = await conn.get();
  } catch (err) {
    return describeError(err, target);
  }
  const out: CheckResult[] = [
    { check: 'reachable', ok: true, detail: `connected to ${where(target)}` },
    { check: 'authentication', ok: true, detail: `logged in as ${target.user ?? 'default'}` },
  ];
  try {
    const info = parseInfo(await client.info('server'));
    const version = String(info['server']?.['redis_version'] ?? '0');
    const major = Number(version.split('.')[0]);
    out.push({
      check: 'version',
      ok: major >= 6,
      detail: `Redis ${version}${major >= 6 ? '' : ' is not supported (6.0+ needed for ACLs and the fields read)'}`,
      ...(major >= 6 ? {} : { fix: 'Upgrade Redis to 6.2 or later.' }),
    });
  } catch {
    // Without +info there is no version to read; the ACL probe below reports the missing permission.
  }
  const user = target.user ?? 'default';
  for (const probe of PROBES) {
    if (disabled.includes(probe.collector)) continue;
    let error: string | null = null;
    try {
      await client.call(...probe.args);
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
    }
    const keyDenied = error !== null && /NOPERM.*\bkey/i.test(error);
    const rule = keyDenied ? '%R~*' : probe.rule;
    out.push({
      check: `acl:${probe.rule.slice(1)}`,
      ok: error === null,
      detail: error === null ? `${probe.args.slice(0, 2).join(' ')} allowed` : error,
      ...(error !== null && /^NOPERM/.test(error)
        ? { fix: `ACL SETUSER ${user} ${rule}${keyDenied ? '   # Redis 6: ~*' : ''}` }
        : {}),
    });
  }
  // Leave the connection on its configured database after the SELECT probe.
  await client.select(conn.db).catch(() => undefined);
  return out;
}
