import type Redis from 'ioredis';

/**
 * The settings health rules read: memory limits and eviction, persistence, exposure, limits. Read one parameter per
 * CONFIG GET because Redis 6 accepts only one pattern per call. requirepass and masterauth are reduced to booleans
 * here, before anything else sees them.
 * https://redis.io/docs/latest/operate/oss_and_stack/management/config-file/
 */
export const CONFIG_PARAMETERS = [
  'maxmemory', 'maxmemory-policy', 'maxmemory-samples', 'save', 'appendonly', 'appendfsync', 'auto-aof-rewrite-percentage',
  'protected-mode', 'bind', 'port', 'tls-port', 'timeout', 'tcp-keepalive', 'databases', 'maxclients', 'io-threads',
  'slowlog-log-slower-than', 'slowlog-max-len', 'latency-monitor-threshold', 'lazyfree-lazy-eviction', 'replica-read-only',
  'repl-backlog-size', 'min-replicas-to-write', 'client-output-buffer-limit', 'hz', 'activedefrag', 'notify-keyspace-events',
  'enable-debug-command', 'enable-module-command',
] as const;

const SECRET_PARAMETERS = { requirepass: 'passwordSet', masterauth: 'masterauthSet' } as const;

export interface RedisConfig {
  values: Record<string, string>;
  passwordSet: boolean;
  masterauthSet: boolean;
}

export async function collectConfig(client: Redis): Promise<RedisConfig> {
  const values: Record<string, string> = {};
  for (const name of CONFIG_PARAMETERS) {
    const pair = (await client.call('CONFIG', 'GET', name)) as string[];
    for (let i = 0; i + 1 < pair.length; i += 2) values[pair[i]!] = pair[i + 1]!;
  }
  const flags = { passwordSet: false, masterauthSet: false };
  for (const [name, flag] of Object.entries(SECRET_PARAMETERS) as [keyof typeof SECRET_PARAMETERS, keyof typeof flags][]) {
    const pair = (await client.call('CONFIG', 'GET', name)) as string[];
    flags[flag] = typeof pair[1] === 'string' && pair[1].length > 0;
  }
  return { values, ...flags };
}
