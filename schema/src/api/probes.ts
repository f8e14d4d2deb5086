import * as z from 'zod/mini';

// Liveness and readiness (GET /healthz, GET /readyz): for load balancers and orchestrators.

export const livenessSchema = z.object({ status: z.literal('ok') });

const down = z.object({ status: z.literal('down'), error: z.string() });
/** 200 when both dependencies answer, 503 naming the one that does not. */
export const readinessSchema = z.object({
  status: z.enum(['ready', 'unavailable']),
  checks: z.object({
    store: z.union([z.object({ status: z.literal('up'), kind: z.string() }), down]),
    temporal: z.union([z.object({ status: z.literal('up'), namespace: z.string() }), down]),
  }),
});
export type Readiness = z.infer<typeof readinessSchema>;
