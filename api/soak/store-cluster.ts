// The soak's own durable PostgreSQL cluster for the store: initdb once (bench:ingest's durable settings), then the
// postmaster runs as a child of the soak (not daemonized by pg_ctl), in its own process group, so the chaos loop can
// SIGKILL it with all its backends, as a crash would, and start it again on the same data folder (crash recovery).
import { join } from 'node:path';
import pg from 'pg';
import { initDurableCluster, PG_BIN, type DurableCluster } from '../bench/durable-postgres';
import { killGrouped, spawnGrouped } from './grouped-child';
import { errorLine, type ChildSpec, type RunningChild } from './supervised';

export interface StoreCluster {
  url: string;
  spec: ChildSpec;
}

async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function startPostmaster(cluster: DurableCluster, url: string, logFile: string): Promise<RunningChild> {
  const child = spawnGrouped(`${PG_BIN}/postgres`, ['-D', cluster.data], {
    logFile,
    ...(cluster.owner ? { uid: cluster.owner.uid, gid: cluster.owner.gid } : {}),
  });
  let gone = false;
  void child.exited.then(() => (gone = true));
  // Crash recovery replays the WAL written since the last checkpoint before it accepts connections.
  const deadline = Date.now() + 120_000;
  while (!(await answers(url))) {
    if (gone) throw new Error(`postgres exited during start-up (${errorLine(child.tail())}); see ${logFile}`);
    if (Date.now() > deadline) {
      await killGrouped(child);
      throw new Error(`postgres did not answer within 120 s; see ${logFile}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return child;
}

/** Creates the cluster under `parent` (not started: the supervisor starts it). */
export async function createStoreCluster(parent: string, logDir: string): Promise<StoreCluster & { cluster: DurableCluster }> {
  const cluster = await initDurableCluster(parent, 'pg-');
  const url = `postgres://postgres@127.0.0.1:${cluster.port}/postgres`;
  const logFile = join(logDir, 'postgres.log');
  return {
    url,
    cluster,
    spec: { name: 'postgres', start: () => startPostmaster(cluster, url, logFile), kill: killGrouped },
  };
}
