import { readFileSync } from 'node:fs';
import { DEFAULT_NAMESPACE } from './constants';
import { TemporalSetupError } from './errors';

export interface TlsSettings {
  serverNameOverride?: string;
  serverRootCACertificate?: Buffer;
  clientCertPair?: { crt: Buffer; key: Buffer };
}

/**
 * Where Temporal is. `embedded`: Logstag starts the dev server itself (one machine). `external`: TEMPORAL_ADDRESS
 * names a real cluster (self-hosted or Temporal Cloud) and nothing is started.
 */
export type TemporalSettings =
  | { mode: 'embedded'; namespace: string; ip: string; port: number; uiPort: number; dbFile: string; toolsDir: string }
  | { mode: 'external'; namespace: string; address: string; tls?: TlsSettings; apiKey?: string };

function readPem(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new TemporalSetupError(`cannot read ${what} ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

function port(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new TemporalSetupError(`${name} must be a port number (1-65535), got "${value}"`);
  return n;
}

export function temporalSettingsFromEnv(env: NodeJS.ProcessEnv, dataDir: string, toolsDir: string): TemporalSettings {
  const namespace = env.TEMPORAL_NAMESPACE || DEFAULT_NAMESPACE;
  if (env.TEMPORAL_ADDRESS) {
    const tls: TlsSettings = {};
    if (env.TEMPORAL_TLS_CA) tls.serverRootCACertificate = readPem(env.TEMPORAL_TLS_CA, 'TEMPORAL_TLS_CA');
    if (env.TEMPORAL_TLS_CERT || env.TEMPORAL_TLS_KEY) {
      if (!env.TEMPORAL_TLS_CERT || !env.TEMPORAL_TLS_KEY) throw new TemporalSetupError('set both TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY, or neither');
      tls.clientCertPair = { crt: readPem(env.TEMPORAL_TLS_CERT, 'TEMPORAL_TLS_CERT'), key: readPem(env.TEMPORAL_TLS_KEY, 'TEMPORAL_TLS_KEY') };
    }
    if (env.TEMPORAL_TLS_SERVER_NAME) tls.serverNameOverride = env.TEMPORAL_TLS_SERVER_NAME;
    const apiKey = env.TEMPORAL_API_KEY_FILE ? readPem(env.TEMPORAL_API_KEY_FILE, 'TEMPORAL_API_KEY_FILE').toString('utf8').trim() : env.TEMPORAL_API_KEY;
    const useTls = Object.keys(tls).length > 0 || env.TEMPORAL_TLS === 'true' || Boolean(apiKey);
    return {
      mode: 'external',
      namespace,
      address: env.TEMPORAL_ADDRESS,
      ...(useTls ? { tls } : {}),
      ...(apiKey ? { apiKey } : {}),
    };
  }
  return {
    mode: 'embedded',
    namespace,
    ip: '127.0.0.1',
    port: port(env.TEMPORAL_PORT, 7233, 'TEMPORAL_PORT'),
    uiPort: port(env.TEMPORAL_UI_PORT, 8233, 'TEMPORAL_UI_PORT'),
    dbFile: `${dataDir}/temporal.db`,
    toolsDir,
  };
}
