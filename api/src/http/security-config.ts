import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';

/** Settings of accounts, sessions and rate limits. Durations in milliseconds. */
export interface SecuritySettings {
  /** Absolute session lifetime, whatever the activity. */
  readonly sessionTtlMs: number;
  /** A session unused for this long is over. */
  readonly sessionIdleMs: number;
  /** Failed sign-ins for one account from one client address within the window before that pair is locked. */
  readonly loginMaxFailuresPerAccountAndIp: number;
  /** Failed sign-ins for one account from all addresses within the window before the account is locked everywhere. */
  readonly loginMaxFailuresPerAccount: number;
  /** Failed sign-ins from one IP within the window before it is locked. */
  readonly loginMaxFailuresPerIp: number;
  readonly loginWindowMs: number;
  readonly loginLockMs: number;
  /** Requests per IP per minute to the sign-in, setup and invitation-accept endpoints. */
  readonly loginRatePerMinute: number;
  /** Ingest requests per agent key per minute. */
  readonly ingestRatePerMinute: number;
  /** How long a looked-up agent key may be reused before the store is asked again; revocation takes effect within it. */
  readonly agentKeyCacheMs: number;
  /** How often batched last-used times of agent keys are written. */
  readonly lastUsedFlushMs: number;
  readonly invitationTtlMs: number;
  readonly setupTokenTtlMs: number;
  /** Origins allowed to send state-changing requests besides the server's own (e.g. a separate web origin). */
  readonly trustedOrigins: readonly string[];
  /**
   * Which reverse proxies may tell the client's address and scheme (X-Forwarded-For/-Proto/-Host), in the terms of
   * express's `trust proxy`: false (none: the socket's peer is the client), a number of hops, or addresses, CIDRs and
   * the names loopback, linklocal, uniquelocal.
   */
  readonly trustProxy: TrustProxySetting;
  /** First-run owner; the password is read from the environment or a file, never from a config file in the repo. */
  readonly admin: { readonly email: string; readonly password: string; readonly organizationName: string } | null;
}

export type TrustProxySetting = false | number | readonly string[];

export class SecurityConfigError extends Error {
  override name = 'SecurityConfigError';
}

const MINUTE = 60_000;

export const DEFAULT_SECURITY: SecuritySettings = Object.freeze({
  sessionTtlMs: 12 * 60 * MINUTE,
  sessionIdleMs: 30 * MINUTE,
  loginMaxFailuresPerAccountAndIp: 5,
  loginMaxFailuresPerAccount: 100,
  loginMaxFailuresPerIp: 50,
  loginWindowMs: 15 * MINUTE,
  loginLockMs: 15 * MINUTE,
  loginRatePerMinute: 60,
  ingestRatePerMinute: 600,
  agentKeyCacheMs: 500,
  lastUsedFlushMs: 30_000,
  invitationTtlMs: 7 * 24 * 60 * MINUTE,
  setupTokenTtlMs: 60 * MINUTE,
  trustedOrigins: [],
  trustProxy: false,
  admin: null,
});

function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number, scale = 1): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new SecurityConfigError(`${name} must be a positive integer, got "${raw}"`);
  return n * scale;
}

/** `NAME` or the contents of the file named by `NAME_FILE` (Docker/Kubernetes secrets), trailing newline removed. */
function secretFromEnv(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const file = env[`${name}_FILE`];
  if (file) {
    try {
      return readFileSync(file, 'utf8').replace(/\r?\n$/, '');
    } catch (err) {
      throw new SecurityConfigError(`${name}_FILE: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
  return env[name] || undefined;
}

const PROXY_RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** One entry of LOGSTAG_TRUST_PROXY: an address, address/prefix, address/netmask, or one of express's range names. */
function validProxyEntry(entry: string): boolean {
  if (PROXY_RANGE_NAMES.has(entry)) return true;
  const [address = '', range, ...rest] = entry.split('/');
  const family = isIP(address);
  if (!family || rest.length > 0) return false;
  if (range === undefined) return true;
  if (/^\d{1,3}$/.test(range)) return Number(range) <= (family === 4 ? 32 : 128);
  return family === 4 && isIP(range) === 4;
}

/**
 * LOGSTAG_TRUST_PROXY: unset or false (the default) trusts no proxy; a number trusts that many hops; otherwise a
 * comma-separated list of proxy addresses. `true` (any hop) is refused: it would let every client choose its address.
 */
export function trustProxyFromEnv(raw: string | undefined): TrustProxySetting {
  const value = (raw ?? '').trim();
  if (['', 'false', 'off', 'no', '0'].includes(value.toLowerCase())) return false;
  if (/^\d+$/.test(value)) return Number(value);
  const entries = value.split(',').map((e) => e.trim());
  const bad = entries.find((e) => !validProxyEntry(e));
  if (bad !== undefined) {
    throw new SecurityConfigError(
      `LOGSTAG_TRUST_PROXY must be false, a number of proxy hops, or a comma-separated list of proxy addresses, CIDRs or loopback/linklocal/uniquelocal; "${bad}" is none of these` +
        (value.toLowerCase() === 'true' ? ' (true would trust any client to name its own address)' : ''),
    );
  }
  return Object.freeze(entries);
}

export function securitySettingsFromEnv(env: NodeJS.ProcessEnv): SecuritySettings {
  const email = env.LOGSTAG_ADMIN_EMAIL || undefined;
  const password = secretFromEnv(env, 'LOGSTAG_ADMIN_PASSWORD');
  if ((email === undefined) !== (password === undefined)) {
    throw new SecurityConfigError('set both LOGSTAG_ADMIN_EMAIL and LOGSTAG_ADMIN_PASSWORD (or LOGSTAG_ADMIN_PASSWORD_FILE), or neither');
  }
  if (password !== undefined && password.length < 12) throw new SecurityConfigError('LOGSTAG_ADMIN_PASSWORD must have at least 12 characters');
  const d = DEFAULT_SECURITY;
  return Object.freeze({
    sessionTtlMs: positiveInt(env, 'LOGSTAG_SESSION_TTL_MINUTES', d.sessionTtlMs, MINUTE),
    sessionIdleMs: positiveInt(env, 'LOGSTAG_SESSION_IDLE_MINUTES', d.sessionIdleMs, MINUTE),
    loginMaxFailuresPerAccountAndIp: positiveInt(env, 'LOGSTAG_LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_IP', d.loginMaxFailuresPerAccountAndIp),
    loginMaxFailuresPerAccount: positiveInt(env, 'LOGSTAG_LOGIN_MAX_FAILURES_PER_ACCOUNT', d.loginMaxFailuresPerAccount),
    loginMaxFailuresPerIp: positiveInt(env, 'LOGSTAG_LOGIN_MAX_FAILURES_PER_IP', d.loginMaxFailuresPerIp),
    loginWindowMs: d.loginWindowMs,
    loginLockMs: positiveInt(env, 'LOGSTAG_LOGIN_LOCK_MINUTES', d.loginLockMs, MINUTE),
    loginRatePerMinute: positiveInt(env, 'LOGSTAG_LOGIN_RATE_PER_MINUTE', d.loginRatePerMinute),
    ingestRatePerMinute: positiveInt(env, 'LOGSTAG_INGEST_RATE_PER_MINUTE', d.ingestRatePerMinute),
    agentKeyCacheMs: d.agentKeyCacheMs,
    lastUsedFlushMs: d.lastUsedFlushMs,
    invitationTtlMs: d.invitationTtlMs,
    setupTokenTtlMs: d.setupTokenTtlMs,
    trustedOrigins: (env.LOGSTAG_TRUSTED_ORIGINS ?? '').split(',').map((o) => o.trim()).filter(Boolean),
    trustProxy: trustProxyFromEnv(env.LOGSTAG_TRUST_PROXY),
    admin: email && password ? { email, password, organizationName: env.LOGSTAG_ORGANIZATION_NAME || 'My organization' } : null,
  });
}
