#!/usr/bin/env node
// Test services: PostgreSQL 15 (pg_stat_statements preloaded), MariaDB 10.11 (performance_schema on) and Redis 7,
// each on its own loopback port and data folder. Installs what is missing from Debian and starts what is not running.
// Safe to run any number of times. Dependency-free: it runs before `npm install`.
//
//   node scripts/services.mjs start | stop | status | env
//
// Tests read the connection settings from the LOGSTAG_TEST_* variables printed by `env` (same defaults in code).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync, readFileSync, chownSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';

export const SERVICES = {
  dir: process.env.LOGSTAG_SERVICES_DIR ?? '/var/tmp/logstag-services',
  pg: { port: Number(process.env.LOGSTAG_TEST_PG_PORT ?? 55432), user: 'postgres', password: 'logstag-test' },
  mariadb: { port: Number(process.env.LOGSTAG_TEST_MYSQL_PORT ?? 53306), user: 'logstag_admin', password: 'logstag-test' },
  redis: { port: Number(process.env.LOGSTAG_TEST_REDIS_PORT ?? 56379) },
};
const PG_BIN = '/usr/lib/postgresql/15/bin';
const APT_PACKAGES = {
  postgresql: `${PG_BIN}/postgres`,
  'postgresql-contrib': '/usr/share/postgresql/15/extension/pg_stat_statements.control',
  'mariadb-server': '/usr/sbin/mariadbd',
  'redis-server': '/usr/bin/redis-server',
  // The browser tests drive Debian's Chromium with playwright-core; browsers are never downloaded.
  chromium: '/usr/bin/chromium',
};

const log = (msg) => process.stdout.write(`services: ${msg}\n`);

function fail(msg) {
  process.stderr.write(`services: ${msg}\n`);
  process.exit(1);
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...opts });
  if (r.error) throw new Error(`${cmd}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${(r.stderr || r.stdout || '').trim()}`);
  return r.stdout ?? '';
}

function portOpen(port, host = '127.0.0.1', timeoutMs = 500) {
  return new Promise((resolve) => {
    const sock = createConnection({ port, host });
    const done = (ok) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}

async function waitForPort(name, port, seconds = 60) {
  const until = Date.now() + seconds * 1000;
  while (Date.now() < until) {
    if (await portOpen(port)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${name} did not open port ${port} within ${seconds}s`);
}

function ensurePackages() {
  const missing = Object.entries(APT_PACKAGES)
    .filter(([, probe]) => !existsSync(probe))
    .map(([pkg]) => pkg);
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    fail(`missing Debian packages: ${missing.join(' ')}. Install them with: sudo apt-get install -y ${missing.join(' ')}`);
  }
  log(`installing ${missing.join(' ')} from Debian`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  // Debian's packages try to start their default instances; we run our own, so tell invoke-rc.d not to.
  const policy = '/usr/sbin/policy-rc.d';
  const hadPolicy = existsSync(policy);
  if (!hadPolicy) writeFileSync(policy, '#!/bin/sh\nexit 101\n', { mode: 0o755 });
  try {
    run('apt-get', ['update'], { env, stdio: 'inherit' });
    run('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { env, stdio: 'inherit' });
  } finally {
    if (!hadPolicy) spawnSync('rm', ['-f', policy]);
  }
}

function ensureDir(path, owner) {
  mkdirSync(path, { recursive: true, mode: 0o755 });
  if (owner) {
    const uid = Number(run('id', ['-u', owner]).trim());
    const gid = Number(run('id', ['-g', owner]).trim());
    chownSync(path, uid, gid);
  }
}

/** Runs a command as another user when we are root (PostgreSQL refuses to run as root). */
function asUser(user, cmd, args, opts = {}) {
  if (process.getuid?.() === 0) return run('runuser', ['-u', user, '--', cmd, ...args], opts);
  return run(cmd, args, opts);
}

async function startPostgres() {
  const { port, password } = SERVICES.pg;
  const data = join(SERVICES.dir, 'pg');
  if (await portOpen(port)) return log(`postgresql already answers on 127.0.0.1:${port}`);
  const osUser = process.getuid?.() === 0 ? 'postgres' : undefined;
  ensureDir(SERVICES.dir);
  if (!existsSync(join(data, 'PG_VERSION'))) {
    spawnSync('rm', ['-rf', data]); // a half-made cluster from an interrupted run
    ensureDir(data, osUser);
    const pwfile = join(SERVICES.dir, 'pg.pw');
    writeFileSync(pwfile, `${password}\n`, { mode: 0o644 });
    asUser(osUser, `${PG_BIN}/initdb`, ['-D', data, '-U', 'postgres', '--pwfile', pwfile, '--auth-local=trust', '--auth-host=scram-sha-256', '-E', 'UTF8', '--locale=C.UTF-8']);
  }
  const conf = [
    `port = ${port}`,
    `listen_addresses = '127.0.0.1'`,
    `unix_socket_directories = '${data}'`,
    `shared_preload_libraries = 'pg_stat_statements'`,
    `pg_stat_statements.track = all`,
    `track_io_timing = on`,
    `max_connections = 200`,
    `fsync = off`,
    `synchronous_commit = off`,
    `full_page_writes = off`,
  ].join('\n');
  writeFileSync(join(data, 'postgresql.auto.conf'), `${conf}\n`);
  if (osUser) chownSync(join(data, 'postgresql.auto.conf'), Number(run('id', ['-u', osUser]).trim()), Number(run('id', ['-g', osUser]).trim()));
  asUser(osUser, `${PG_BIN}/pg_ctl`, ['-D', data, '-l', join(data, 'server.log'), '-w', '-t', '60', 'start'], { stdio: 'ignore' });
  await waitForPort('postgresql', port);
  log(`postgresql 15 started on 127.0.0.1:${port}`);
}

async function startMariadb() {
  const { port, user, password } = SERVICES.mariadb;
  const data = join(SERVICES.dir, 'mariadb');
  const socket = join(data, 'mariadbd.sock');
  if (await portOpen(port)) return log(`mariadb already answers on 127.0.0.1:${port}`);
  ensureDir(SERVICES.dir);
  const osUser = process.getuid?.() === 0 ? 'mysql' : undefined;
  const fresh = !existsSync(join(data, 'mysql'));
  if (fresh) {
    spawnSync('rm', ['-rf', data]);
    ensureDir(data, osUser);
    run('mariadb-install-db', [`--datadir=${data}`, ...(osUser ? [`--user=${osUser}`] : []), '--auth-root-authentication-method=socket', '--skip-test-db'], { stdio: 'ignore' });
  }
  const args = [
    '--no-defaults',
    `--datadir=${data}`,
    `--port=${port}`,
    '--bind-address=127.0.0.1',
    `--socket=${socket}`,
    `--pid-file=${join(data, 'mariadbd.pid')}`,
    `--log-error=${join(data, 'error.log')}`,
    ...(osUser ? [`--user=${osUser}`] : []),
    '--performance-schema=ON',
    '--performance-schema-consumer-events-statements-history=ON',
    '--performance-schema-consumer-events-statements-current=ON',
    '--innodb-buffer-pool-size=128M',
    '--innodb-flush-log-at-trx-commit=2',
    '--skip-name-resolve',
    '--max-connections=300',
  ];
  // setsid + detached so the server outlives this script.
  const child = spawn('/usr/sbin/mariadbd', args, { detached: true, stdio: 'ignore' });
  child.unref();
  const died = new Promise((_, reject) =>
    child.once('exit', (code) => {
      let tail = '';
      try {
        tail = readFileSync(join(data, 'error.log'), 'utf8').trim().split('\n').slice(-3).join('\n');
      } catch {}
      reject(new Error(`mariadbd exited with ${code}:\n${tail}`));
    }),
  );
  await Promise.race([waitForPort('mariadb', port), died]);
  // The admin account the tests use to create their own schemas and users; created once, idempotently.
  const sqlText = `CREATE USER IF NOT EXISTS '${user}'@'%' IDENTIFIED BY '${password}';
GRANT ALL PRIVILEGES ON *.* TO '${user}'@'%' WITH GRANT OPTION;
FLUSH PRIVILEGES;`;
  run('mariadb', ['--no-defaults', `--socket=${socket}`, '-uroot'], { input: sqlText });
  log(`mariadb 10.11 started on 127.0.0.1:${port}`);
}

async function startRedis() {
  const { port } = SERVICES.redis;
  const data = join(SERVICES.dir, 'redis');
  if (await portOpen(port)) return log(`redis already answers on 127.0.0.1:${port}`);
  ensureDir(data);
  run('redis-server', [
    '--port', String(port),
    '--bind', '127.0.0.1',
    '--daemonize', 'yes',
    '--dir', data,
    '--pidfile', join(data, 'redis.pid'),
    '--logfile', join(data, 'redis.log'),
    '--save', '',
    '--appendonly', 'no',
    '--databases', '64',
    '--latency-monitor-threshold', '10',
    '--slowlog-log-slower-than', '10000',
  ]);
  await waitForPort('redis', port);
  log(`redis 7 started on 127.0.0.1:${port}`);
}

function stopAll() {
  const pgData = join(SERVICES.dir, 'pg');
  if (existsSync(join(pgData, 'postmaster.pid'))) {
    try {
      asUser(process.getuid?.() === 0 ? 'postgres' : undefined, `${PG_BIN}/pg_ctl`, ['-D', pgData, '-m', 'fast', '-w', 'stop']);
      log('postgresql stopped');
    } catch (e) {
      log(`postgresql: ${e.message}`);
    }
  }
  for (const [name, pidFile] of [
    ['mariadb', join(SERVICES.dir, 'mariadb', 'mariadbd.pid')],
    ['redis', join(SERVICES.dir, 'redis', 'redis.pid')],
  ]) {
    if (!existsSync(pidFile)) continue;
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    try {
      process.kill(pid, 'SIGTERM');
      log(`${name} stopped (pid ${pid})`);
    } catch {
      /* already gone */
    }
  }
}

export function servicesEnv() {
  const { pg, mariadb, redis } = SERVICES;
  return {
    LOGSTAG_TEST_PG_URL: `postgres://${pg.user}:${pg.password}@127.0.0.1:${pg.port}/postgres`,
    LOGSTAG_TEST_MYSQL_URL: `mysql://${mariadb.user}:${mariadb.password}@127.0.0.1:${mariadb.port}/`,
    LOGSTAG_TEST_REDIS_URL: `redis://127.0.0.1:${redis.port}`,
  };
}

export async function startServices() {
  ensurePackages();
  // Start the three in parallel: on a cold machine each takes seconds.
  const results = await Promise.allSettled([startPostgres(), startMariadb(), startRedis()]);
  const failed = results.filter((r) => r.status === 'rejected');
  if (failed.length) throw new Error(failed.map((r) => r.reason.message).join('\n'));
}

const isMain = process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isMain) {
  const cmd = process.argv[2] ?? 'start';
  try {
    if (cmd === 'start') await startServices();
    else if (cmd === 'stop') stopAll();
    else if (cmd === 'env') for (const [k, v] of Object.entries(servicesEnv())) process.stdout.write(`${k}=${v}\n`);
    else if (cmd === 'status') {
      for (const [name, port] of [['postgresql', SERVICES.pg.port], ['mariadb', SERVICES.mariadb.port], ['redis', SERVICES.redis.port]]) {
        log(`${name} 127.0.0.1:${port} ${(await portOpen(port)) ? 'up' : 'down'}`);
      }
    } else fail(`unknown command ${cmd}; use start, stop, status or env`);
  } catch (err) {
    fail(err.message);
  }
}

