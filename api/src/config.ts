import { resolve } from 'node:path';
import { securitySettingsFromEnv, type SecuritySettings } from './http/security-config';

export interface ServerConfig {
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  readonly toolsDir: string;
  readonly databaseUrl: string | undefined;
  readonly logLevel: string;
  readonly security: SecuritySettings;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** One validated, frozen config per process, read at start-up from the environment. */
export function serverConfigFromEnv(env: NodeJS.ProcessEnv, root = process.cwd()): ServerConfig {
  const port = env.PORT ? Number(env.PORT) : 8080;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new ConfigError(`PORT must be a port number (1-65535), got "${env.PORT}"`);
  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) throw new ConfigError('DATABASE_URL must start with postgres:// or postgresql://');
  return Object.freeze({
    host: env.HOST || '127.0.0.1',
    port,
    dataDir: resolve(root, env.LOGSTAG_DATA_DIR || '.data'),
    toolsDir: resolve(root, env.LOGSTAG_TOOLS_DIR || '.tools'),
    databaseUrl,
    logLevel: env.LOG_LEVEL || 'info',
    security: securitySettingsFromEnv(env),
  });
}
