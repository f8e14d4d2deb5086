import type { Engine } from '../domain';

/**
 * Section names of schemaVersion 1 that version 2 renamed to snake_case. Agents already deployed keep sending them
 * (and replay their spools after an upgrade), so the server accepts version 1 and reads it through these names. The
 * generic metrics keep the version 1 names as their prefixes, so series continue across the rename (see metrics/).
 */
export const VERSION_1_SECTION_NAMES: Readonly<Record<Engine, Readonly<Record<string, string>>>> = {
  postgresql: {},
  mysql: {
    lockWaits: 'lock_waits',
    replicaStatus: 'replica_status',
    globalStatus: 'global_status',
    statusGauges: 'status_gauges',
    statementDigests: 'statement_digests',
    keyVariables: 'key_variables',
    omittedVariables: 'omitted_variables',
    tablesWithoutPrimaryKey: 'tables_without_primary_key',
  },
  redis: {
    clientSummary: 'client_summary',
    statsGauges: 'stats_gauges',
    errorStats: 'error_stats',
    commandStats: 'command_stats',
    latencyEvents: 'latency_events',
    passwordSet: 'password_set',
    masterauthSet: 'masterauth_set',
    aclUsers: 'acl_users',
    keyPatterns: 'key_patterns',
  },
  mongodb: {
    currentOp: 'current_op',
    lockWaits: 'lock_waits',
    replicaSet: 'replica_set',
    replicaMembers: 'replica_members',
    opcountersRepl: 'opcounters_repl',
    wiredTigerCache: 'wired_tiger_cache',
    globalLock: 'global_lock',
    connPool: 'conn_pool',
    connPoolHosts: 'conn_pool_hosts',
    profilerLevels: 'profiler_levels',
    profilerEntries: 'profiler_entries',
    buildInfo: 'build_info',
    hostInfo: 'host_info',
    cmdLineOpts: 'cmd_line_opts',
    replicaSetConfig: 'replica_set_config',
  },
};

const renamed = (names: Readonly<Record<string, string>>) => (name: unknown) => (typeof name === 'string' ? (names[name] ?? name) : name);

/**
 * A version 1 collection's data under the version 2 section names (the values are the same objects). The delta info's
 * section lists are renamed too. Data of version 2 is returned as it is.
 */
export function currentSectionNames(engine: string, schemaVersion: unknown, data: Record<string, unknown>): Record<string, unknown> {
  const names = schemaVersion === 1 ? VERSION_1_SECTION_NAMES[engine as Engine] : undefined;
  if (!names || Object.keys(names).length === 0) return data;
  const rename = renamed(names);
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(data)) out[rename(name) as string] = value;
  const delta = out['_delta'];
  if (delta !== null && typeof delta === 'object' && !Array.isArray(delta)) {
    const d = delta as Record<string, unknown>;
    out['_delta'] = {
      ...d,
      ...(Array.isArray(d['baselineSections']) ? { baselineSections: d['baselineSections'].map(rename) } : {}),
      ...(Array.isArray(d['resetSections']) ? { resetSections: d['resetSections'].map(rename) } : {}),
    };
  }
  return out;
}
