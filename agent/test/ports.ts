import { createServer } from 'node:net';

/**
 * A loopback TCP port on which nothing listens: bound by the OS, then released. For "connection refused" cases, and
 * for a server a test starts itself (FerretDB, Redis 6.2).
 */
export async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}
