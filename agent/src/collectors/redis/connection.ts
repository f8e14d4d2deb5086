import Redis from 'ioredis';
import type { TargetSpec } from '../types';

/**
 * The one connection to a Redis target. No reconnect loop: a dead server fails the current collection, and the next
 * collection dials again, so an outage costs one attempt per tick instead of a reconnect storm. Nothing is queued
 * while disconnected. The connection is named `logstag-agent` so it is recognisable in CLIENT LIST.
 */
export class RedisConnection {
  private client: Redis | undefined;
  /** ioredis reports AUTH and socket failures as 'error' events; connect() then only says the connection closed. */
  lastError: Error | undefined;

  constructor(private readonly target: TargetSpec) {}

  get db(): number {
    const n = Number(this.target.database ?? 0);
    return Number.isInteger(n) && n >= 0 ? n : 0;
  }

  private create(): Redis {
    const t = this.target;
    const client = new Redis({
      host: t.socket ? undefined : (t.host ?? '127.0.0.1'),
      port: t.socket ? undefined : (t.port ?? 6379),
      path: t.socket,
      username: t.user,
      password: t.password,
      db: this.db,
      tls: t.tls?.enabled
        ? { ca: t.tls.ca, cert: t.tls.cert, key: t.tls.key, rejectUnauthorized: t.tls.rejectUnauthorized }
        : undefined,
      lazyConnect: true,
      connectTimeout: Math.max(1000, t.statementTimeoutMs),
      commandTimeout: t.statementTimeoutMs,
      retryStrategy: () => null,
      reconnectOnError: () => false,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      enableReadyCheck: false,
      autoResubscribe: false,
      connectionName: 'logstag-agent',
      // CLIENT SETINFO would need one more ACL permission for no monitoring value.
      disableClientInfo: true,
    });
    client.on('error', (err: Error) => {
      this.lastError = err;
    });
    return client;
  }

  /** The dial in progress: collections of two categories that start together share it instead of racing. */
  private dialling: Promise<Redis> | undefined;

  /** Whether get() will answer at once, without dialling. */
  get ready(): boolean {
    return this.client?.status === 'ready';
  }

  /** A connected client, dialling (again) if the previous connection ended. */
  async get(): Promise<Redis> {
    if (this.client && this.client.status === 'ready') return this.client;
    // Without this, the second caller saw the first's client still connecting, disconnected it and dialled its own:
    // the first collection then failed with "Stream isn't writeable" (seen at start-up in the benchmark).
    this.dialling ??= this.dial().finally(() => {
      this.dialling = undefined;
    });
    return this.dialling;
  }

  private async dial(): Promise<Redis> {
    if (this.client) this.client.disconnect();
    this.lastError = undefined;
    const client = this.create();
    this.client = client;
    try {
      await client.connect();
      // With enableReadyCheck off, connect() resolves before the AUTH reply has been read; a PING settles it.
      await client.ping();
    } catch (err) {
      client.disconnect();
      this.client = undefined;
      throw this.lastError && !(err instanceof Error && /NOAUTH|WRONGPASS|NOPERM/.test(err.message)) ? this.lastError : err;
    }
    return client;
  }

  async close(): Promise<void> {
    const c = this.client;
    this.client = undefined;
    if (!c) return;
    try {
      await c.quit();
    } catch {
      c.disconnect();
    }
  }
}
