import { Router } from 'express';
import type { Client } from '@temporalio/client';
import type { Store } from '@logstag/store';
import type { Metrics } from '../metrics';
import { createTemporalProbe } from './temporal-probe';

/** Liveness, readiness and metrics for load balancers and scrapers (not the Health Check product area). */
export interface ProbeDeps {
  store: Store;
  temporal: () => Client | null;
  namespace: string;
  metrics: Metrics;
  /** Why Temporal is known to be down without asking it (the embedded dev server is restarting); null otherwise. */
  temporalDown?: () => string | null;
}

async function check(what: () => Promise<unknown>, timeoutMs: number): Promise<string | null> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      what(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return null;
  } catch (err) {
    return (err as Error).message;
  } finally {
    clearTimeout(timer);
  }
}

export function probeRoutes({ store, temporal, namespace, metrics, temporalDown }: ProbeDeps): Router {
  const router = Router();
  const probeTemporal = createTemporalProbe({ temporal, namespace, ...(temporalDown ? { knownDown: temporalDown } : {}) });
  // Alive: the process answers. Load balancers restart on this one failing, so it checks nothing else.
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  // Ready: both dependencies answer. 503 names the one that does not.
  router.get('/readyz', async (_req, res) => {
    const [storeError, temporalError] = await Promise.all([check(() => store.ping(), 2_000), probeTemporal()]);
    const checks = {
      store: storeError ? { status: 'down', error: storeError } : { status: 'up', kind: store.kind },
      temporal: temporalError ? { status: 'down', error: temporalError } : { status: 'up', namespace },
    };
    const ready = !storeError && !temporalError;
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'unavailable', checks });
  });
  router.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  return router;
}
