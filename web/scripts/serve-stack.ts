// Starts the real stack (Temporal dev server, fresh PGlite store, API + built web handler) and prints its URL and the
// seeded owner's credentials; for trying the dashboard by hand and for bench/web.ts. Stops on SIGINT/SIGTERM.
import { startWebStack } from '../test/support/stack';

const stack = await startWebStack();
process.stdout.write(`${JSON.stringify({ url: stack.url, email: stack.org.ownerEmail, password: stack.org.ownerPassword, agentKey: stack.org.agentKey })}\n`);
const stop = () => void stack.stop().then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
