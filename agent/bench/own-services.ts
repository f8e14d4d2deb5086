/**
 * Database servers of the agent benchmarks' own (bench:agent, agent-cycles): PostgreSQL 15, MariaDB 10.11 and Redis 7
 * started fresh for one run, with the settings of scripts/services.mjs, on unused loopback ports and in a temporary
 * folder removed at the end.
 *
 * Why not the shared test services: what the agent reads there grows with every other suite run against them. The
 * MariaDB statement digest table (performance_schema, server-wide, read whole every minute by design) held 330 rows
 * one hour and 660 the next; pg_stat_activity and Redis' CLIENT LIST list every other test's sessions. The agent's
 * CPU followed, so runs hours apart were not comparable. On servers of its own the bench's workload is the same each
 * run: its targets, and as many application statement shapes in the digest table as it asks for (`fillDigests`).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { unusedPort } from '../test/ports';

const PG_BIN = '/usr/lib/postgresql/15/bin';
const ADMIN_PASSWORD = 'logstag-bench';

export interface OwnServices {
  /** The same variables the tests read (LOGSTAG_TEST_PG_URL, …), pointing at these servers. */
  env: { LOGSTAG_TEST_PG_URL: string; LOGSTAG_TEST_MYSQL_URL: string; LOGSTAG_TEST_REDIS_URL: string };
  /** MariaDB's performance_schema_digests_size: rows its statement digest table holds at most. */
  digestsSize: number;
  /**
   * Empties MariaDB's statement digest table, then runs `count` distinct statement shapes (an application's queries,
   * 100 to 900 characters of digest text) in each of `schemas` (a digest is per schema, and a target sends those of
   * its own schemas), so the table holds that many rows per schema besides the agent's own; then the rows it holds.
   * With `count` times the schemas at least digestsSize the table is full, as a busy production server's is.
   */
  fillDigests(count: number, schemas: readonly string[]): Promise<number>;
  /** Runs the first `count` of those statement shapes once more in each schema (an application at work). */
  runDigests(count: number, schemas: readonly string[]): Promise<void>;
  /** Rows in MariaDB's statement digest table now (with a digest). */
  digestRows(): Promise<number>;
  stop(): Promise<void>;
}

/** A service user's uid and gid when the bench runs as root (PostgreSQL refuses root, MariaDB drops to it itself). */
function ids(user: string): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(spawnSync('id', [flag, user], { encoding: 'utf8' }).stdout.trim());
  return { uid: id('-u'), gid: id('-g') };
}

function ownedDir(path: string, owner?: { uid: number; gid: number }): string {
  mkdirSync(path, { recursive: true, mode: 0o700 });
  if (owner) chownSync(path, owner.uid, owner.gid);
  return path;
}

function runSync(cmd: string, args: string[], options: { uid?: number; gid?: number; input?: string; cwd?: string } = {}): void {
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...options });
  if (r.error || r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.error?.message ?? (r.stderr || r.stdout).trim()}`);
}

async function waitForPort(name: string, port: number, child: ChildProcess, seconds = 60): Promise<void> {
  const until = Date.now() + seconds * 1000;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode} while starting`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect({ port, host: '127.0.0.1' });
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => (socket.destroy(), resolve(false)));
    });
    if (open) {
      // The port is picked free, then bound by the server: another process may take it in between (benches started
      // together), and then the port answers while our server has exited for want of it.
      await new Promise((r) => setTimeout(r, 500));
      if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}: port ${port} taken by another process`);
      return;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${name} did not open port ${port} within ${seconds} s`);
}

/** Starts the three servers (in parallel: each takes seconds on a loaded machine). */
export async function startOwnServices(options: { digestsSize: number; log: (msg: string) => void }): Promise<OwnServices> {
  const dir = mkdtempSync(join(os.tmpdir(), 'logstag-bench-services-'));
  chmodSync(dir, 0o755);
  const children: ChildProcess[] = [];
  // If the bench dies, its servers and their data must not outlive it.
  const killAll = () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  };
  process.once('exit', killAll);
  const [pgPort, myPort, redisPort] = await Promise.all([unusedPort(), unusedPort(), unusedPort()]);

  const startPostgres = async () => {
    const owner = ids('postgres');
    const data = ownedDir(join(dir, 'pg'), owner);
    const pwfile = join(dir, 'pg.pw');
    writeFileSync(pwfile, `${ADMIN_PASSWORD}\n`, { mode: 0o644 });
    runSync(`${PG_BIN}/initdb`, ['-D', data, '-U', 'postgres', '--pwfile', pwfile, '--auth-local=trust', '--auth-host=scram-sha-256', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync'], { cwd: dir, ...owner });
    const child = spawn(
      `${PG_BIN}/postgres`,
      [
        '-D', data, '-p', String(pgPort), '-c', "listen_addresses=127.0.0.1", '-c', `unix_socket_directories=${data}`,
        '-c', 'shared_preload_libraries=pg_stat_statements', '-c', 'pg_stat_statements.track=all', '-c', 'track_io_timing=on',
        '-c', 'max_connections=200', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off',
      ],
      { stdio: 'ignore', cwd: dir, ...owner },
    );
    children.push(child);
    await waitForPort('postgresql', pgPort, child);
    return child;
  };

  const startMariadb = async () => {
    const data = ownedDir(join(dir, 'mariadb'), ids('mysql'));
    const asRoot = process.getuid?.() === 0;
    // A temporary folder of its own: two benches bootstrapping at once collided on the names of /tmp's temporary tables.
    const tmp = ownedDir(join(dir, 'mariadb-tmp'), ids('mysql'));
    runSync('mariadb-install-db', [`--datadir=${data}`, `--tmpdir=${tmp}`, ...(asRoot ? ['--user=mysql'] : []), '--auth-root-authentication-method=socket', '--skip-test-db']);
    const socket = join(data, 'mariadbd.sock');
    const child = spawn(
      '/usr/sbin/mariadbd',
      [
        '--no-defaults', `--datadir=${data}`, `--tmpdir=${tmp}`, `--port=${myPort}`, '--bind-address=127.0.0.1', `--socket=${socket}`,
        `--pid-file=${join(data, 'mariadbd.pid')}`, `--log-error=${join(data, 'error.log')}`, ...(asRoot ? ['--user=mysql'] : []),
        '--performance-schema=ON', '--performance-schema-consumer-events-statements-history=ON',
        '--performance-schema-consumer-events-statements-current=ON', `--performance-schema-digests-size=${options.digestsSize}`,
        '--innodb-buffer-pool-size=32M', '--innodb-flush-log-at-trx-commit=2', '--skip-name-resolve', '--max-connections=300',
      ],
      { stdio: 'ignore' },
    );
    children.push(child);
    try {
      await waitForPort('mariadb', myPort, child);
    } catch (err) {
      let tail = '';
      try {
        tail = readFileSync(join(data, 'error.log'), 'utf8').trim().split('\n').slice(-3).join('\n');
      } catch {
        // no log yet
      }
      throw new Error(`${(err as Error).message}\n${tail}`, { cause: err });
    }
    runSync('mariadb', ['--no-defaults', `--socket=${socket}`, '-uroot'], {
      input: `CREATE USER 'logstag_admin'@'%' IDENTIFIED BY '${ADMIN_PASSWORD}';\nGRANT ALL PRIVILEGES ON *.* TO 'logstag_admin'@'%' WITH GRANT OPTION;\n`,
    });
    return child;
  };

  const startRedis = async () => {
    const data = ownedDir(join(dir, 'redis'));
    const child = spawn(
      'redis-server',
      ['--port', String(redisPort), '--bind', '127.0.0.1', '--dir', data, '--save', '', '--appendonly', 'no', '--databases', '64',
        '--latency-monitor-threshold', '10', '--slowlog-log-slower-than', '10000'],
      { stdio: 'ignore' },
    );
    children.push(child);
    await waitForPort('redis', redisPort, child);
    return child;
  };

  const started = Date.now();
  try {
    await Promise.all([startPostgres(), startMariadb(), startRedis()]);
  } catch (err) {
    killAll();
    throw err;
  }
  options.log(`own servers up in ${((Date.now() - started) / 1000).toFixed(1)} s: PostgreSQL 15 :${pgPort}, MariaDB 10.11 :${myPort} (performance_schema_digests_size ${options.digestsSize}), Redis 7 :${redisPort}`);

  const admin = () => mysql.createConnection({ host: '127.0.0.1', port: myPort, user: 'logstag_admin', password: ADMIN_PASSWORD, multipleStatements: false });
  /**
   * Runs statement shapes from..to-1 through the `mariadb` client in a process of its own (its CPU is not the bench's
   * or the agent's), which sends each statement alone: a multi-statement query would be digested as its first one.
   * Distinct shapes: the digest keeps identifiers and drops literals, so each statement names its own aliases; between
   * 3 and 27 selected columns make digest texts of about 150 to 1,000 characters, as an ORM's queries are.
   */
  const runShapes = async (from: number, to: number, schema: string) => {
    const statement = (i: number) => {
      const columns = Array.from({ length: 3 + (i % 25) }, (_, k) => `o.${['id', 'customer', 'total'][k % 3]} AS c${i}_${k}`);
      return `SELECT ${columns.join(', ')} FROM orders AS o WHERE o.customer = 'c${i}' AND o.total > ${i % 100} ORDER BY o.id LIMIT 10;\n`;
    };
    let input = '';
    for (let i = from; i < to; i++) input += statement(i);
    const child = spawn('mariadb', ['--no-defaults', '-h127.0.0.1', `-P${myPort}`, '-ulogstag_admin', `-p${ADMIN_PASSWORD}`, '--silent', schema], {
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdin!.end(input);
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    if (code !== 0) throw new Error(`mariadb exited with ${code}: ${stderr.trim()}`);
  };
  const digestRows = async () => {
    const c = await admin();
    try {
      const [rows] = await c.query<mysql.RowDataPacket[]>('SELECT COUNT(*) AS n FROM performance_schema.events_statements_summary_by_digest WHERE DIGEST IS NOT NULL');
      return Number(rows[0]!['n']);
    } finally {
      await c.end();
    }
  };

  return {
    env: {
      LOGSTAG_TEST_PG_URL: `postgres://postgres:${ADMIN_PASSWORD}@127.0.0.1:${pgPort}/postgres`,
      LOGSTAG_TEST_MYSQL_URL: `mysql://logstag_admin:${ADMIN_PASSWORD}@127.0.0.1:${myPort}/`,
      LOGSTAG_TEST_REDIS_URL: `redis://127.0.0.1:${redisPort}`,
    },
    digestsSize: options.digestsSize,
    digestRows,
    fillDigests: async (count, schemas) => {
      const c = await admin();
      try {
        await c.query('TRUNCATE TABLE performance_schema.events_statements_summary_by_digest');
      } finally {
        await c.end();
      }
      for (const schema of schemas) await runShapes(0, count, schema);
      return digestRows();
    },
    runDigests: async (count, schemas) => {
      for (const schema of schemas) await runShapes(0, count, schema);
    },
    stop: async () => {
      await Promise.all(
        children.map(
          (child) =>
            new Promise<void>((resolve) => {
              if (child.exitCode !== null || child.signalCode !== null) return resolve();
              const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
              child.once('exit', () => (clearTimeout(timer), resolve()));
              // PostgreSQL: SIGINT is its fast shutdown; MariaDB and Redis stop cleanly on SIGTERM.
              child.kill(child.spawnfile.endsWith('postgres') ? 'SIGINT' : 'SIGTERM');
            }),
        ),
      );
      process.removeListener('exit', killAll);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
