import type { Client } from '@temporalio/client';

export interface TemporalProbeOptions {
  temporal: () => Client | null;
  namespace: string;
  /** A reason Temporal is down that needs no call (the embedded server is restarting); null when it may be up. */
  knownDown?: () => string | null;
  /** Deadline of the describeNamespace call: a server that is back answers it in milliseconds. */
  deadlineMs?: number;
  /** How long an answer is reused, so probes from several load balancers cost one call. */
  cacheMs?: number;
}

/**
 * Returns a function resolving to null when Temporal answers for the namespace, else what is wrong. The call carries a
 * gRPC deadline (the SDK cancels it, unlike a timer racing it), concurrent probes share one call, and an answer is
 * reused for `cacheMs`, so /readyz follows a restart of Temporal within `deadlineMs + cacheMs`.
 */
export function createTemporalProbe({ temporal, namespace, knownDown, deadlineMs = 2_000, cacheMs = 1_000 }: TemporalProbeOptions) {
  let cached: { at: number; error: string | null } | null = null;
  let inFlight: Promise<string | null> | null = null;

  async function ask(): Promise<string | null> {
    const client = temporal();
    if (!client) return 'not connected';
    try {
      await client.connection.withDeadline(Date.now() + deadlineMs, () => client.connection.workflowService.describeNamespace({ namespace }));
      return null;
    } catch (err) {
      return (err as Error).message || String(err);
    }
  }

  return async function probe(): Promise<string | null> {
    const down = knownDown?.();
    if (down) {
      cached = null;
      return down;
    }
    if (cached && Date.now() - cached.at < cacheMs) return cached.error;
    inFlight ??= ask().then((error) => {
      cached = { at: Date.now(), error };
      inFlight = null;
      return error;
    });
    return inFlight;
  };
}
