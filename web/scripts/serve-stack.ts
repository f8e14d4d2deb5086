// Starts the real stack (Temporal dev server, fresh PGlite store, API + built web handler) and the real agent against
// the local test PostgreSQL (LOGSTAG_TEST_PG_URL), and prints the URL and the seeded owner's credentials; for trying
// the dashboard by hand and for bench/web.ts. Stops on SIGINT/SIGTERM.
import { startTestAgent } from '../test/support/agent';
import { startWebStack } from '../test/support/stack';

const stack = await startWebStack();
const pgUrl = process.env.LOGSTAG_TEST_PG_URL ?? 'postgres://postgres:logstag-test@127.0.0.1:55432/postgres';
const agent = process.argv.includes('--no-agent') ? null : await startTestAgent(stack.url, stack.org.agentKey, [{ name: 'pg-local', url: pgUrl, engine: 'postgresql' }]);
process.stdout.write(`${JSON.stringify({ url: stack.url, email: stack.org.ownerEmail, password: stack.org.ownerPassword, agentKey: stack.org.agentKey })}\n`);
const stop = () =>
  void (async () => {
    await agent?.stop();
    await stack.stop();
    process.exit(0);
  })();
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
