import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { setupStatements as postgresSetupStatements } from './postgresql-fixture';
import { mysqlSetupStatements, redisSetupCommands } from './setup-files';

/**
 * Monitoring users made from the shipped agent/setup files (names suffixed so runs do not collide), plus a little
 * application data, on the local test services. Used by the agent ↔ server end-to-end test and the benchmark: both
 * must prove the documented least-privilege setup is all the agent needs.
 */

export interface MonitoredService {
  host: string;
  port: number;
  user: string;
  password: string;
  cleanup(): Promise<void>;
}

const serviceUrl = (name: 'PG' | 'MYSQL' | 'REDIS', fallback: string) => new URL(process.env[`LOGSTAG_TEST_${name}_URL`] ?? fallback);

function tag(): string {
  return randomBytes(4).toString('hex');
}

/** Databases (each with a table, an index and a few rows) and one role from agent/setup/postgresql.sql. */
export async function setupPostgres(databaseCount: number, prefix = 'lt_e2e'): Promise<MonitoredService & { databases: string[] }> {
  const url = serviceUrl('PG', 'postgres://postgres:logstag-test@127.0.0.1:55432/postgres');
  const id = tag();
  const role = `${prefix}_mon_${id}`;
  const password = `pw-${randomBytes(8).toString('hex')}`;
  const databases = Array.from({ length: databaseCount }, (_, i) => `${prefix}_${id}_${i}`);
  const connect = async (database?: string) => {
    const u = new URL(url);
    if (database) u.pathname = `/${database}`;
    const client = new pg.Client({ connectionString: u.toString() });
    await client.connect();
    return client;
  };
  const server = await connect();
  try {
    for (const [i, database] of databases.entries()) {
      await server.query(`CREATE DATABASE ${database}`);
      const db = await connect(database);
      try {
        await db.query('CREATE TABLE orders (id bigserial PRIMARY KEY, customer text NOT NULL, total numeric(10,2))');
        await db.query('CREATE INDEX orders_customer ON orders (customer)');
        await db.query(`INSERT INTO orders (customer, total) SELECT 'c' || g, g FROM generate_series(1, 100) g`);
        // The role is cluster-wide: created (with pg_monitor) once; the extension is per database, so in each.
        const statements = postgresSetupStatements(role, password, { extension: true });
        for (const statement of i === 0 ? statements : statements.filter((s) => /^CREATE EXTENSION/i.test(s))) await db.query(statement);
      } finally {
        await db.end();
      }
    }
    // The setup file's CONNECTION LIMIT 5 is for one target; each target (here: one per database) may hold 2 sessions.
    if (databaseCount > 1) await server.query(`ALTER ROLE ${role} CONNECTION LIMIT ${2 * databaseCount + 3}`);
  } finally {
    await server.end();
  }
  return {
    host: url.hostname,
    port: Number(url.port || 5432),
    user: role,
    password,
    databases,
    cleanup: async () => {
      const admin = await connect();
      try {
        for (const database of databases) await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
        await admin.query(`DROP ROLE IF EXISTS ${role}`);
      } finally {
        await admin.end();
      }
    },
  };
}

/** Schemas (each with a table with a primary key and one without) and a user from agent/setup/mysql.sql. */
export async function setupMysql(schemaCount: number, prefix = 'lt_e2e'): Promise<MonitoredService & { schemas: string[] }> {
  const url = serviceUrl('MYSQL', 'mysql://logstag_admin:logstag-test@127.0.0.1:53306/');
  const id = tag();
  const user = `${prefix}_m_${id}`;
  const password = `pw-${randomBytes(8).toString('hex')}`;
  const schemas = Array.from({ length: schemaCount }, (_, i) => `${prefix}_${id}_${i}`);
  const connect = () =>
    mysql.createConnection({ host: url.hostname, port: Number(url.port), user: decodeURIComponent(url.username), password: decodeURIComponent(url.password) });
  const admin = await connect();
  try {
    for (const schema of schemas) {
      await admin.query(`CREATE DATABASE ${schema}`);
      await admin.query(`CREATE TABLE ${schema}.orders (id INT PRIMARY KEY AUTO_INCREMENT, customer VARCHAR(64), total INT, KEY (customer)) ENGINE=InnoDB`);
      await admin.query(`INSERT INTO ${schema}.orders (customer, total) VALUES ('a', 1), ('b', 2), ('c', 3)`);
      await admin.query(`CREATE TABLE ${schema}.events_nopk (at DATETIME, kind VARCHAR(16)) ENGINE=InnoDB`);
    }
    for (const statement of mysqlSetupStatements(user, password)) await admin.query(statement);
    // MAX_USER_CONNECTIONS 5 is for one target; each target (here: one per schema) may hold 2 connections.
    if (schemaCount > 1) await admin.query(`ALTER USER '${user}'@'%' WITH MAX_USER_CONNECTIONS ${2 * schemaCount + 3}`);
  } finally {
    await admin.end();
  }
  return {
    host: url.hostname,
    port: Number(url.port),
    user,
    password,
    schemas,
    cleanup: async () => {
      const c = await connect();
      try {
        for (const schema of schemas) await c.query(`DROP DATABASE IF EXISTS ${schema}`);
        await c.query(`DROP USER IF EXISTS '${user}'@'%'`);
      } finally {
        await c.end();
      }
    },
  };
}

/** An ACL user from agent/setup/redis-acl.txt, and a few keys in each of the given databases. */
export async function setupRedis(databases: number[], prefix = 'lte2e'): Promise<MonitoredService & { keyPrefix: string }> {
  const url = serviceUrl('REDIS', 'redis://127.0.0.1:56379');
  const id = tag();
  const user = `${prefix}_${id}`;
  const password = `pw-${randomBytes(8).toString('hex')}`;
  const keyPrefix = `${prefix}${id}`;
  const connect = async () => {
    const client = new Redis({ host: url.hostname, port: Number(url.port), lazyConnect: true });
    await client.connect();
    return client;
  };
  const admin = await connect();
  try {
    for (const [cmd, ...args] of redisSetupCommands(user, password)) await admin.call(cmd!, ...args);
    for (const db of databases) {
      await admin.select(db);
      for (let i = 0; i < 20; i++) await admin.set(`${keyPrefix}:user:${i}`, `value-${i}`, 'EX', 3600);
      await admin.hset(`${keyPrefix}:session:1`, 'a', '1');
    }
  } finally {
    admin.disconnect();
  }
  return {
    host: url.hostname,
    port: Number(url.port),
    user,
    password,
    keyPrefix,
    cleanup: async () => {
      const c = await connect();
      try {
        for (const db of databases) {
          await c.select(db);
          const keys = await c.keys(`${keyPrefix}:*`);
          if (keys.length) await c.del(...keys);
        }
        await c.call('ACL', 'DELUSER', user);
      } finally {
        c.disconnect();
      }
    },
  };
}
