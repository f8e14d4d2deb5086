// A PostgreSQL 15 cluster of the bench's own, with production's durability: fsync, synchronous_commit and
// full_page_writes on (PostgreSQL's defaults). The test-services cluster turns all three off to make tests fast, so
// commit costs measured on it would flatter ingest, whose promise is "committed before 202".
import { spawnSync } from 'node:child_process';
import { chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@logstag/temporal';

const PG_BIN = '/usr/lib/postgresql/15/bin';

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

/** A fresh cluster in a folder of its own under the system temp folder (the postgres user must reach it). */
export async function startDurablePostgres(): Promise<DurablePostgres> {
  const asPostgres = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'logstag-bench-pg-'));
  const data = join(dir, 'pg');
  mkdirSync(data, { recursive: true });
  if (asPostgres) {
    const uid = Number(run('id', ['-u', 'postgres'], false).trim());
    const gid = Number(run('id', ['-g', 'postgres'], false).trim());
    chownSync(dir, uid, gid);
    chownSync(data, uid, gid);
  }
  run(`${PG_BIN}/initdb`, ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8'], asPostgres);
  const port = await freePort();
  // Only connection settings; everything that concerns durability keeps PostgreSQL's default (on).
  const conf = [`port = ${port}`, `listen_addresses = '127.0.0.1'`, `unix_socket_directories = '${data}'`, `max_connections = 200`].join('\n');
  writeFileSync(join(data, 'postgresql.auto.conf'), `${conf}\n`);
  if (asPostgres) run('chown', ['postgres:postgres', join(data, 'postgresql.auto.conf')], false);
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
