// A PostgreSQL 15 cluster of the bench's own, with production's durability: fsync, synchronous_commit and
// full_page_writes on (PostgreSQL's defaults). The test-services cluster turns all three off to make tests fast, so
// commit costs measured on it would flatter ingest, whose promise is "committed before 202".
import { spawnSync } from 'node:child_process';
import { chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@logstag/temporal';

export const PG_BIN = '/usr/lib/postgresql/15/bin';

export interface DurablePostgres {
  url: string;
  /** The postmaster's pid: its children are the cluster's processes (for CPU accounting). */
  pid: number;
  stop(): void;
}

function run(cmd: string, args: string[], asPostgres: boolean): string {
  const r = asPostgres ? spawnSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { encoding: 'utf8' }) : spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr || r.stdout}`);
  return r.stdout;
}

/** A cluster's folder, made by initDurableCluster and not started yet. */
export interface DurableCluster {
  /** The folder holding the data folder; removing it removes the cluster. */
  dir: string;
  data: string;
  port: number;
  /** The postgres user's uid and gid when we run as root (PostgreSQL refuses to run as root); null otherwise. */
  owner: { uid: number; gid: number } | null;
}

/**
 * initdb of a fresh cluster in a folder of its own under `parent` (the postgres user must reach it), configured with
 * connection settings only: everything that concerns durability keeps PostgreSQL's default (on).
 */
export async function initDurableCluster(parent = tmpdir(), prefix = 'logstag-bench-pg-', settings: readonly string[] = []): Promise<DurableCluster> {
  const asPostgres = process.getuid?.() === 0;
  const dir = mkdtempSync(join(parent, prefix));
  const data = join(dir, 'pg');
  mkdirSync(data, { recursive: true });
  const owner = asPostgres ? { uid: Number(run('id', ['-u', 'postgres'], false).trim()), gid: Number(run('id', ['-g', 'postgres'], false).trim()) } : null;
  if (owner) {
    chownSync(dir, owner.uid, owner.gid);
    chownSync(data, owner.uid, owner.gid);
  }
  run(`${PG_BIN}/initdb`, ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8'], asPostgres);
  const port = await freePort();
  const conf = [`port = ${port}`, `listen_addresses = '127.0.0.1'`, `unix_socket_directories = '${data}'`, `max_connections = 200`, ...settings].join('\n');
  writeFileSync(join(data, 'postgresql.auto.conf'), `${conf}\n`);
  if (owner) chownSync(join(data, 'postgresql.auto.conf'), owner.uid, owner.gid);
  return { dir, data, port, owner };
}

/**
 * A fresh cluster in a folder of its own under the system temp folder, started with pg_ctl. `settings` are extra
 * postgresql.conf lines (bench:ingest --pg-statements loads pg_stat_statements with them).
 */
export async function startDurablePostgres(settings: readonly string[] = []): Promise<DurablePostgres> {
  const { dir, data, port, owner } = await initDurableCluster(undefined, undefined, settings);
  const asPostgres = owner !== null;
  run(`${PG_BIN}/pg_ctl`, ['-D', data, '-l', join(data, 'server.log'), '-w', '-t', '60', 'start'], asPostgres);
  const pid = Number(run('head', ['-1', join(data, 'postmaster.pid')], false).trim());
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    run(`${PG_BIN}/pg_ctl`, ['-D', data, '-m', 'fast', '-w', 'stop'], asPostgres);
    rmSync(dir, { recursive: true, force: true });
  };
  // A bench that fails half-way must not leave a cluster running on the shared machine.
  process.once('exit', stop);
  return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, pid, stop };
}
