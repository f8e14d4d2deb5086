import { describe, expect, it } from 'vitest';
import { workflowBundle } from '@logstag/temporal';

// Temporal evaluates every module of the workflow bundle again for each workflow it starts (each run gets fresh
// module state), so what workflows import is paid per ingest, alert and delivery workflow. With the schema package's
// root in the bundle (zod schemas built at import time) bench:alerts saw the workflow thread saturated by module
// initialisation. The bundle may carry only the zod-free @logstag/schema/workflow and what it imports.
describe('workflow bundle', () => {
  it('carries no zod, no rrule and only the pure schema modules', async () => {
    const { code } = await workflowBundle();
    const modules = [...code.matchAll(/^\/\*{3}\/ "([^"]+)"/gm)].map((m) => m[1]!);
    expect(modules.length).toBeGreaterThan(10);
    expect(modules.filter((m) => /node_modules\/(zod|rrule)\//.test(m))).toEqual([]);
    const schemaModules = modules.filter((m) => m.includes('schema/src/')).map((m) => m.replace(/^.*schema\/src\//, '')).sort();
    expect(schemaModules).toEqual(['alert-workflow.ts', 'escalation.ts', 'health/frequency.ts', 'health/types.ts', 'retry.ts', 'workflow.ts']);
  }, 120_000);
});
