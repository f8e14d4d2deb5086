import { Router } from 'express';
import type { Client } from '@temporalio/client';
import type { Store } from '@logstag/store';
import { livenessSchema, readinessSchema, type Readiness } from '@logstag/schema/api';
import type { Metrics } from '../metrics';
import { createTemporalProbe } from './temporal-probe';
import type { ApiRegistry } from '../http/api-registry';

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

export function probeRoutes(api: ApiRegistry, { store, temporal, namespace, metrics, temporalDown }: ProbeDeps): Router {
  const router = Router();
  const probeTemporal = createTemporalProbe({ temporal, namespace, ...(temporalDown ? { knownDown: temporalDown } : {}) });
  const anyone = { kind: 'anyone' } as const;
  // Alive: the process answers. Load balancers restart on this one failing, so it checks nothing else.
  api.add(router, {
    method: 'get',
    path: '/healthz',
    tag: 'Probes',
    summary: 'Liveness: the process answers',
    access: anyone,
    response: livenessSchema,
    handle: async () => ({ status: 'ok' as const }),
  });
  // Ready: both dependencies answer. 503 names the one that does not.
  api.add(router, {
    method: 'get',
    path: '/readyz',
    tag: 'Probes',
    summary: 'Readiness: the store and Temporal answer (503 names the one that does not)',
    access: anyone,
    response: readinessSchema,
    otherResponses: { 503: { description: 'Not ready: the checks say which dependency is down', schema: readinessSchema } },
    handle: async (_input, _req, res): Promise<Readiness> => {
      const [storeError, temporalError] = await Promise.all([check(() => store.ping(), 2_000), probeTemporal()]);
      const checks: Readiness['checks'] = {
        store: storeError ? { status: 'down', error: storeError } : { status: 'up', kind: store.kind },
        temporal: temporalError ? { status: 'down', error: temporalError } : { status: 'up', namespace },
      };
      const ready = !storeError && !temporalError;
      res.status(ready ? 200 : 503);
      return { status: ready ? 'ready' : 'unavailable', checks };
    },
  });
  api.add(router, {
    method: 'get',
    path: '/metrics',
    tag: 'Probes',
    summary: 'Prometheus metrics of this process',
    access: anyone,
    response: { text: 'text/plain', description: 'Prometheus text exposition format' },
    handle: async (_input, _req, res) => {
      res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
    },
  });
  return router;
}
