import type { StepFailure } from '../step';

/** mysql2 errors carry the server's symbolic code (ER_…) or Node's network code (ECONNREFUSED, …). */
export interface MysqlError {
  code?: string;
  errno?: number;
  message: string;
  fatal?: boolean;
}

export function asMysqlError(err: unknown): MysqlError {
  if (err && typeof err === 'object' && 'message' in err) return err as MysqlError;
  return { message: String(err) };
}

/** Privilege errors: the collector needs a GRANT, not a retry. */
export function isPermissionError(err: unknown): boolean {
  const { code } = asMysqlError(err);
  return (
    code === 'ER_SPECIFIC_ACCESS_DENIED_ERROR' ||
    code === 'ER_TABLEACCESS_DENIED_ERROR' ||
    code === 'ER_COLUMNACCESS_DENIED_ERROR' ||
    code === 'ER_DBACCESS_DENIED_ERROR' ||
    code === 'ER_ACCESS_DENIED_ERROR' ||
    code === 'ER_ACCESS_DENIED_NO_PASSWORD_ERROR'
  );
}

/** How the payload names a failed step's error: the server's ER_… code, and whether a GRANT would fix it. */
export function readMysqlFailure(err: unknown): StepFailure {
  const e = asMysqlError(err);
  return { message: e.message, ...(e.code ? { code: e.code } : {}), denied: isPermissionError(err) };
}

/** A one-line explanation for network and login failures; other errors keep the server's message. */
export function describeConnectError(err: unknown, where: string): { check: 'reachable' | 'authentication'; detail: string } {
  const e = asMysqlError(err);
  switch (e.code) {
    case 'ECONNREFUSED':
      return { check: 'reachable', detail: `connection refused by ${where}: is the server running and listening there?` };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return { check: 'reachable', detail: `host name of ${where} does not resolve (DNS ${e.code})` };
    case 'ETIMEDOUT':
    case 'PROTOCOL_SEQUENCE_TIMEOUT':
      return { check: 'reachable', detail: `no answer from ${where} before the timeout (firewall or wrong address?)` };
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return { check: 'reachable', detail: `${where} is unreachable from this host (${e.code})` };
    case 'ENOENT':
      return { check: 'reachable', detail: `socket ${where} does not exist` };
    case 'ER_ACCESS_DENIED_ERROR':
    case 'ER_ACCESS_DENIED_NO_PASSWORD_ERROR':
    case 'ER_DBACCESS_DENIED_ERROR':
      return { check: 'authentication', detail: `login refused: ${e.message}` };
    default:
      return { check: 'reachable', detail: `cannot connect to ${where}: ${e.code ? `${e.code}: ` : ''}${e.message}` };
  }
}
