import type { PageServerLoad } from './$types';

interface Readiness {
  status: string;
  checks: Record<string, { status: string; error?: string; kind?: string; namespace?: string }>;
}

// The page reads the same readiness endpoint operators and load balancers use.
export const load = (async ({ fetch }) => {
  try {
    const res = await fetch('/readyz');
    return { readiness: (await res.json()) as Readiness, error: null };
  } catch (err) {
    return { readiness: null, error: `could not reach the Logstag API: ${(err as Error).message}` };
  }
}) satisfies PageServerLoad;
