// The real stack for browser tests: Temporal dev server, a fresh store, the API and the built web handler on one port.
import { seedOrganization, startTestContext, type SeededOrganization, type TestContext } from '../../../api/test/context';
import { loadWebHandler, removeBuildCopies } from './web-build';

export interface WebStack {
  ctx: TestContext;
  url: string;
  org: SeededOrganization;
  stop(): Promise<void>;
}

export async function startWebStack(): Promise<WebStack> {
  const webHandler = await loadWebHandler();
  const ctx = await startTestContext('pglite', { webHandler, recoveryIntervalMs: 500 });
  const org = await seedOrganization(ctx, 'Acme Ops');
  return {
    ctx,
    url: ctx.url,
    org,
    stop: async () => {
      await ctx.stop();
      removeBuildCopies();
    },
  };
}
