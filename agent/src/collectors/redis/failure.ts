import type { StepFailure } from '../step';

/** How the payload names a failed step's error: Redis refuses a command the ACL user may not run with NOPERM. */
export function readRedisFailure(error: unknown): StepFailure {
  const message = error instanceof Error ? error.message : String(error);
  const denied = /^NOPERM/.test(message);
  return { message, ...(denied ? { code: 'NOPERM' } : {}), denied };
}
