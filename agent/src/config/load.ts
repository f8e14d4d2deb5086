import { readFileSync } from 'node:fs';
import { homedir, hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { CATEGORIES, DEFAULT_INTERVAL_SECONDS, type Category, type Engine } from '@logstag/schema/core';
import { LineCounter, parseDocument } from 'yaml';
import type { TargetSpec, TlsSpec } from '../collectors/types';
import { ConfigError } from './config-error';
import { describeIssue, valueAt } from './describe-issue';
import { configFileSchema, type ConfigFile, type TargetFile } from './schema';
import { readPemFile, resolveSecret } from './secrets';
import type { AgentConfig, TargetConfig } from './types';
import { formatConfigPath, locateInYaml, type ConfigPath } from './yaml-locate';

const DEFAULT_PORTS: Record<Engine, number> = { postgresql: 5432, mysql: 3306, mongodb: 27017, redis: 6379 };

/**
 * Reads, validates and resolves `logstag-agent.yaml` once at start-up. Every problem is reported at once, each with
 * the file, line and column, the path and what was expected. Secrets are resolved here (env:/file:) and only here.
 */
export function loadConfig(configPath: string, env: NodeJS.ProcessEnv = process.env): AgentConfig {
  let text: string;
  try {
    text = readFileSync(configPath, 'utf8');
  } catch (err) {
    throw new ConfigError([`${configPath}: cannot read the config file (${(err as NodeJS.ErrnoException).code ?? 'error'})`]);
  }
  return parseConfig(text, configPath, env);
}

export function parseConfig(text: string, configPath: string, env: NodeJS.ProcessEnv = process.env): AgentConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((e) => {
        const pos = e.linePos?.[0] ?? lineCounter.linePos(e.pos[0]);
        return `${configPath}:${pos.line}:${pos.col} invalid YAML: ${e.message.split('\n')[0]}`;
      }),
    );
  }

  const problems: string[] = [];
  const report = (path: ConfigPath, message: string, key?: string): void => {
    const { line, col } = locateInYaml(doc, lineCounter, path, key);
    problems.push(`${configPath}:${line}:${col} ${formatConfigPath(key === undefined ? path : [...path, key])}: ${message}`);
  };

  const raw: unknown = doc.toJS() ?? {};
  const parsed = configFileSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) report(issue.path, 'unknown key', key);
      } else {
        report(issue.path, describeIssue(issue, valueAt(raw, issue.path)));
      }
    }
    throw new ConfigError(problems);
  }
  const file = parsed.data;

  const seen = new Map<string, number>();
  file.targets.forEach((t, i) => {
    const first = seen.get(t.name);
    if (first !== undefined) report(['targets', i, 'name'], `duplicate target name "${t.name}" (also targets[${first}])`);
    else seen.set(t.name, i);
  });

  // Relative paths in the file (spool dir, PEM files, file: secrets) mean "next to the config file", wherever the
  // agent was started from (a service's working directory is often /).
  const baseDir = dirname(resolve(configPath));
  const secretValues: string[] = [];
  const secret = (reference: string, path: ConfigPath): string | undefined => {
    try {
      const value = resolveSecret(reference, env, baseDir);
      secretValues.push(value);
      return value;
    } catch (err) {
      report(path, (err as Error).message);
      return undefined;
    }
  };

  const apiKey = file.server ? secret(file.server.api_key, ['server', 'api_key']) : undefined;
  const targets = file.targets.map((t, i) => resolveTarget(t, i, file, baseDir, secret, report, secretValues));
  if (problems.length > 0) throw new ConfigError(problems);

  const config: AgentConfig = {
    configPath,
    ...(file.server && apiKey !== undefined ? { server: { url: file.server.url.replace(/\/+$/, ''), apiKey } } : {}),
    agentId: file.agent_id ?? hostname(),
    spool: {
      dir: file.spool.dir ? resolve(baseDir, file.spool.dir) : defaultSpoolDir(env),
      maxBytes: file.spool.max_bytes,
      maxAgeHours: file.spool.max_age_hours,
    },
    dataPaths: file.data_paths,
    logLevel: file.log_level,
    targets,
    secretValues,
  };
  return deepFreeze(config);
}

function resolveTarget(
  t: TargetFile,
  index: number,
  file: ConfigFile,
  baseDir: string,
  secret: (reference: string, path: ConfigPath) => string | undefined,
  report: (path: ConfigPath, message: string) => void,
  secretValues: string[],
): TargetConfig {
  const at = (...rest: PropertyKey[]): ConfigPath => ['targets', index, ...rest];
  const pem = (path: string | undefined, key: string): string | undefined => {
    if (path === undefined) return undefined;
    try {
      const value = readPemFile(resolve(baseDir, path));
      // A private key is a secret like a password: scrub it from logs too.
      if (key === 'key_file') secretValues.push(value);
      return value;
    } catch (err) {
      report(at('tls', key), (err as Error).message);
      return undefined;
    }
  };

  let tls: TlsSpec | undefined;
  if (t.tls) {
    tls = { enabled: t.tls.enabled, rejectUnauthorized: t.tls.reject_unauthorized };
    const ca = pem(t.tls.ca_file, 'ca_file');
    const cert = pem(t.tls.cert_file, 'cert_file');
    const key = pem(t.tls.key_file, 'key_file');
    if (ca !== undefined) tls.ca = ca;
    if (cert !== undefined) tls.cert = cert;
    if (key !== undefined) tls.key = key;
  }

  const spec: TargetSpec = {
    name: t.name,
    engine: t.engine,
    databases: { include: t.databases.include, exclude: t.databases.exclude },
    disabledCollectors: t.disable,
    queryText: t.query_text,
    queryTextMaxLength: t.query_text_max_length,
    tags: t.tags,
    statementTimeoutMs: t.statement_timeout_ms,
  };
  if (t.host !== undefined) spec.host = t.host;
  if (t.socket !== undefined) spec.socket = t.socket;
  else spec.port = t.port ?? DEFAULT_PORTS[t.engine];
  if (t.user !== undefined) spec.user = t.user;
  if (t.password !== undefined) {
    const password = secret(t.password, at('password'));
    if (password !== undefined) spec.password = password;
  }
  if (t.database !== undefined) spec.database = t.database;
  if (tls) spec.tls = tls;

  const intervalSeconds = Object.fromEntries(
    CATEGORIES.map((c) => [c, t.intervals[c] ?? file.intervals[c] ?? DEFAULT_INTERVAL_SECONDS[c]]),
  ) as Record<Category, number>;
  return { spec, intervalSeconds };
}

/** systemd's StateDirectory= when run as a service, else the user's XDG state directory: it must survive reboots. */
function defaultSpoolDir(env: NodeJS.ProcessEnv): string {
  if (env.STATE_DIRECTORY) return join(env.STATE_DIRECTORY.split(':')[0]!, 'spool');
  return join(env.XDG_STATE_HOME ?? join(homedir(), '.local', 'state'), 'logstag-agent', 'spool');
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
