// Redis rules. They read the CONFIG snapshot (settings), the ACL users and requirepass flag (access), the key
// patterns and keyspace (schema), the INFO series (memory.*, persistence.*, clients.*, stats.* deltas,
// statsGauges.*, keyspace.* per db) and the runtime snapshots (replicas).
import { engineRules, type RuleContext } from '../rule';
import { eolCheck } from './eol';
import { GB, isOff, MB, num, pct, requireSetting, settingCheck, settingFinding, windowSum } from './helpers';

function gauge(ctx: RuleContext, metric: string): number {
  const v = ctx.value(metric);
  if (v === null) return ctx.skip(`${metric} not stored for this target`);
  return v;
}
const aclUsers = (ctx: RuleContext) => ctx.items('access', 'user');
const passwordSet = (ctx: RuleContext): boolean | null => {
  const item = ctx.items('access', 'setting').find((i) => i.name === 'requirepass');
  return item ? item.def.set === true : null;
};
const defaultUserOpen = (ctx: RuleContext): boolean => aclUsers(ctx).some((u) => u.name === 'default' && u.def.enabled === true && u.def.noPassword === true);
const commandsOf = (u: { def: Record<string, unknown> }): string[] => (Array.isArray(u.def.commands) ? (u.def.commands as string[]) : []);
const DANGEROUS = ['flushall', 'flushdb', 'config', 'debug', 'keys', 'shutdown', 'script', 'module', 'save', 'bgsave', 'monitor', 'replicaof', 'slaveof', 'acl'];

export const REDIS_RULES = engineRules('redis', [
  // ---------- configuration / memory ----------
  {
    id: 'redis.config.maxmemory-unset', title: 'maxmemory not set', category: 'configuration', severity: 'medium', needs: ['settings'], evidence: 'CONFIG maxmemory',
    explanation: 'Without maxmemory Redis grows until the host runs out of memory and the OOM killer ends it (or it swaps).',
    fix: 'CONFIG SET maxmemory 4gb; CONFIG REWRITE (and a maxmemory-policy that fits the data).', anchor: 'RedisInsight recommendation "Set maxmemory"; issue 17 example',
    check: settingCheck('maxmemory', (v) => v === '0', () => 'maxmemory is 0 (unlimited)'),
  },
  {
    id: 'redis.performance.maxmemory-near', title: 'Memory near maxmemory', category: 'performance', severity: 'high', frequency: 'frequent', needs: ['series:memory.'], thresholds: { percent: 90 },
    evidence: 'INFO memory used_memory against maxmemory', explanation: 'Near the limit Redis evicts keys (or refuses writes with noeviction).',
    fix: 'Raise maxmemory (CONFIG SET maxmemory …) or reduce the data (TTLs, smaller encodings).', anchor: 'awesome-prometheus-alerts RedisOutOfConfiguredMaxmemory (90 %); issue 17',
    check: (ctx) => {
      const max = gauge(ctx, 'memory.maxmemory');
      if (max === 0) return ctx.skip('maxmemory is unlimited (see redis.config.maxmemory-unset)');
      const used = gauge(ctx, 'memory.used_memory');
      return pct(used, max) >= ctx.t('percent') ? [{ object: 'maxmemory', message: `${pct(used, max)} % of maxmemory used`, evidence: { usedMemory: used, maxmemory: max } }] : [];
    },
  },
  {
    id: 'redis.performance.fragmentation', title: 'High memory fragmentation', category: 'performance', severity: 'medium', needs: ['series:memory.'], thresholds: { ratio: 1.4, minRssBytes: 100 * MB },
    evidence: 'INFO memory mem_fragmentation_ratio, used_memory_rss',
    explanation: 'RSS well above what Redis uses is memory the allocator holds but cannot reuse. Below 100 MB RSS the ratio is dominated by the fixed overhead (MEMORY DOCTOR says the same of small instances), so it is not flagged.',
    fix: 'CONFIG SET activedefrag yes; (jemalloc builds) or restart the instance in a window.', anchor: 'Redis MEMORY DOCTOR "High fragmentation"; issue 17 (1.4)',
    check: (ctx) => {
      const ratio = gauge(ctx, 'memory.mem_fragmentation_ratio');
      const rss = gauge(ctx, 'memory.used_memory_rss');
      return ratio > ctx.t('ratio') && rss >= ctx.t('minRssBytes') ? [{ object: 'server', message: `fragmentation ratio ${ratio}`, evidence: { ratio, rssBytes: rss } }] : [];
    },
  },
  {
    id: 'redis.config.volatile-without-ttl', title: 'volatile-* eviction with no keys carrying a TTL', category: 'configuration', severity: 'high', needs: ['settings'],
    evidence: 'CONFIG maxmemory-policy; INFO keyspace expires per db',
    explanation: 'A volatile-* policy only evicts keys with a TTL; with none, Redis behaves as noeviction and refuses writes at maxmemory.',
    fix: 'CONFIG SET maxmemory-policy allkeys-lru; or give cache keys a TTL (SET key value EX 3600).', anchor: 'Redis docs key eviction; RedisInsight recommendation; issue 17 example',
    check: (ctx) => {
      const policy = requireSetting(ctx, 'maxmemory-policy');
      if (!policy.startsWith('volatile-')) return [];
      if (ctx.series('keyspace.keys').length === 0) return ctx.skip('no keyspace series stored for this target');
      const expires = ctx.series('keyspace.expires').reduce((a, s) => a + s.value, 0);
      const keys = ctx.series('keyspace.keys').reduce((a, s) => a + s.value, 0);
      return expires === 0 && keys > 0 ? [settingFinding('maxmemory-policy', policy, `${policy} but none of ${keys} keys has a TTL`, { keys })] : [];
    },
  },
  {
    id: 'redis.config.noeviction-with-limit', title: 'maxmemory set with noeviction', category: 'configuration', severity: 'low', needs: ['settings'],
    evidence: 'CONFIG maxmemory, maxmemory-policy', explanation: 'At the limit every write fails with OOM; fine for a primary store, wrong for a cache.',
    fix: 'For a cache: CONFIG SET maxmemory-policy allkeys-lru;', anchor: 'Redis docs key eviction',
    check: (ctx) => (requireSetting(ctx, 'maxmemory') !== '0' && requireSetting(ctx, 'maxmemory-policy') === 'noeviction' ? [settingFinding('maxmemory-policy', 'noeviction', 'writes fail once maxmemory is reached')] : []),
  },
  {
    id: 'redis.config.maxmemory-over-ram', title: 'maxmemory above the host\'s RAM', category: 'configuration', severity: 'high', needs: ['settings', 'series:memory.total_system_memory'],
    evidence: 'CONFIG maxmemory; INFO memory total_system_memory (reported by Redis itself)', thresholds: { percent: 90 },
    explanation: 'A limit above what the host has is no limit: the host swaps or kills Redis first. Redis reports the host RAM itself, so no co-location is needed.',
    fix: 'CONFIG SET maxmemory <≈ 75 % of RAM>; leave room for fork copy-on-write.', anchor: 'Redis MEMORY DOCTOR; RedisInsight',
    check: (ctx) => {
      const ram = gauge(ctx, 'memory.total_system_memory');
      const max = num(requireSetting(ctx, 'maxmemory')) ?? 0;
      return ram > 0 && max > 0 && pct(max, ram) >= ctx.t('percent') ? [settingFinding('maxmemory', String(max), `maxmemory is ${pct(max, ram)} % of the host's ${(ram / GB).toFixed(1)} GB`)] : [];
    },
  },
  {
    id: 'redis.performance.rss-over-ram', title: 'Redis RSS near the host\'s RAM', category: 'performance', severity: 'high', frequency: 'frequent', needs: ['series:memory.total_system_memory'], thresholds: { percent: 80 },
    evidence: 'INFO memory used_memory_rss, total_system_memory', explanation: 'A fork for BGSAVE/AOF rewrite may need up to twice the RSS: near RAM the save fails or the host swaps.',
    fix: 'Lower maxmemory, move data off, or add RAM.', anchor: 'Redis LATENCY DOCTOR "fork"; Redis persistence docs',
    check: (ctx) => {
      const ram = gauge(ctx, 'memory.total_system_memory');
      const rss = gauge(ctx, 'memory.used_memory_rss');
      return ram > 0 && pct(rss, ram) >= ctx.t('percent') ? [{ object: 'server', message: `RSS is ${pct(rss, ram)} % of RAM`, evidence: { rssBytes: rss, ramBytes: ram } }] : [];
    },
  },
  // ---------- maintenance / persistence ----------
  {
    id: 'redis.maintenance.rdb-old', title: 'Last RDB save is old', category: 'maintenance', severity: 'high', needs: ['settings', 'series:persistence.rdb_last_save_time'], thresholds: { hours: 48 },
    evidence: 'INFO persistence rdb_last_save_time, rdb_changes_since_last_save; CONFIG save',
    explanation: 'With RDB persistence configured, a save older than two days with changes since means a restart loses them.',
    fix: 'BGSAVE; then find why scheduled saves stopped (LASTSAVE, the log: fork failures, disk full).', anchor: 'issue 17 (48 h); RedisInsight recommendation',
    check: (ctx) => {
      if (requireSetting(ctx, 'save').trim() === '') return [];
      const last = gauge(ctx, 'persistence.rdb_last_save_time');
      const changes = ctx.value('persistence.rdb_changes_since_last_save') ?? 0;
      const hours = (ctx.now.getTime() / 1000 - last) / 3600;
      return hours >= ctx.t('hours') && changes > 0 ? [{ object: 'rdb', message: `last RDB save ${hours.toFixed(0)} h ago, ${changes} changes since`, evidence: { lastSave: new Date(last * 1000).toISOString(), changesSinceSave: changes } }] : [];
    },
  },
  {
    id: 'redis.maintenance.rdb-failed', title: 'Last RDB save failed', category: 'maintenance', severity: 'critical', frequency: 'frequent', needs: ['series:persistence.'],
    evidence: 'INFO persistence rdb_last_bgsave_status', explanation: 'A failed BGSAVE (fork failure, disk full) also makes Redis refuse writes when stop-writes-on-bgsave-error is yes.',
    fix: 'Read the Redis log; free disk or memory (vm.overcommit_memory = 1); BGSAVE.', anchor: 'Redis LATENCY/MEMORY DOCTOR; awesome-prometheus-alerts RedisMissingBackup; issue 17',
    check: (ctx) => {
      // rdb_last_bgsave_status, stored as 1 (ok) or 0 (err): Redis keeps it until the next save, so a failure stays
      // reported until a save succeeds (a BGSAVE, or the save schedule's next one).
      const ok = ctx.value('persistence.rdb_last_bgsave_ok');
      if (ok === null) return ctx.skip('rdb_last_bgsave_status not stored for this target (stored from issue 14 on: the server stored none before)');
      if (ok !== 0) return [];
      const lastSave = ctx.value('persistence.rdb_last_save_time');
      const seconds = ctx.value('persistence.rdb_last_bgsave_time_sec');
      return [{
        object: 'rdb',
        message: `the last RDB background save failed${lastSave ? `; the last successful save was ${new Date(lastSave * 1000).toISOString()}` : ''}`,
        evidence: { rdbLastBgsaveStatus: 'err', ...(lastSave ? { lastSuccessfulSave: new Date(lastSave * 1000).toISOString() } : {}), ...(seconds !== null ? { lastBgsaveSeconds: seconds } : {}) },
      }];
    },
  },
  {
    id: 'redis.maintenance.aof-failed', title: 'AOF rewrite or write failing', category: 'maintenance', severity: 'critical', frequency: 'frequent', needs: ['series:persistence.'],
    evidence: 'INFO persistence aof_last_bgrewrite_status, aof_last_write_status, aof_rewrites_consecutive_failures',
    explanation: 'Failing AOF rewrites let the file grow without bound; failing writes lose durability.',
    fix: 'Read the Redis log; free disk; BGREWRITEAOF.', anchor: 'Redis persistence docs',
    check: (ctx) => {
      // The status texts (aof_last_bgrewrite_status, aof_last_write_status: 1 ok, 0 err) are in every version's INFO;
      // the count of consecutive rewrite failures only from 7.0.
      const failures = ctx.value('persistence.aof_rewrites_consecutive_failures');
      const rewriteOk = ctx.value('persistence.aof_last_bgrewrite_ok');
      const writeOk = ctx.value('persistence.aof_last_write_ok');
      if (failures === null && rewriteOk === null && writeOk === null) {
        return ctx.skip('neither aof_rewrites_consecutive_failures (Redis 7.0+) nor the AOF status texts (stored from issue 14 on) are stored for this target');
      }
      const problems = [
        ...(rewriteOk === 0 || (failures ?? 0) > 0 ? [failures ? `${failures} consecutive AOF rewrite failures` : 'the last AOF rewrite failed'] : []),
        ...(writeOk === 0 ? ['the last AOF write failed'] : []),
      ];
      const evidence = {
        ...(failures !== null ? { consecutiveFailures: failures } : {}),
        ...(rewriteOk !== null ? { aofLastBgrewriteStatus: rewriteOk ? 'ok' : 'err' } : {}),
        ...(writeOk !== null ? { aofLastWriteStatus: writeOk ? 'ok' : 'err' } : {}),
      };
      return problems.length ? [{ object: 'aof', message: problems.join('; '), evidence }] : [];
    },
  },
  {
    id: 'redis.config.no-persistence', title: 'No persistence at all', category: 'configuration', severity: 'medium', needs: ['settings'], evidence: 'CONFIG save, appendonly',
    explanation: 'With neither RDB snapshots nor AOF every restart starts empty. Right for a pure cache; say so by accepting the risk.',
    fix: 'CONFIG SET appendonly yes; CONFIG SET save "3600 1 300 100 60 10000"; CONFIG REWRITE', anchor: 'Redis persistence docs; issue 17 (AOF off where persistence is expected)',
    check: (ctx) => (requireSetting(ctx, 'save').trim() === '' && requireSetting(ctx, 'appendonly') === 'no' ? [settingFinding('appendonly', 'no', 'save is empty and appendonly is no')] : []),
  },
  {
    id: 'redis.config.aof-off', title: 'AOF off with RDB-only persistence', category: 'configuration', severity: 'low', needs: ['settings'], evidence: 'CONFIG appendonly, save',
    explanation: 'Snapshots alone lose everything written since the last save on a crash (minutes of writes).',
    fix: 'CONFIG SET appendonly yes; CONFIG SET appendfsync everysec; CONFIG REWRITE', anchor: 'Redis persistence docs; issue 17',
    check: (ctx) => (requireSetting(ctx, 'save').trim() !== '' && requireSetting(ctx, 'appendonly') === 'no' ? [settingFinding('appendonly', 'no', 'persistence expected (save is set) but AOF is off')] : []),
  },
  {
    id: 'redis.config.appendfsync-no', title: 'AOF never fsynced by Redis', category: 'configuration', severity: 'low', needs: ['settings'], evidence: 'CONFIG appendonly, appendfsync',
    explanation: 'appendfsync no leaves flushing to the OS (about 30 s of writes at risk).', fix: 'CONFIG SET appendfsync everysec;', anchor: 'Redis persistence docs',
    check: (ctx) => (requireSetting(ctx, 'appendonly') === 'yes' && requireSetting(ctx, 'appendfsync') === 'no' ? [settingFinding('appendfsync', 'no', 'appendfsync is no')] : []),
  },
  {
    id: 'redis.maintenance.unsaved-changes', title: 'Many changes not yet saved', category: 'maintenance', severity: 'low', needs: ['settings', 'series:persistence.'], thresholds: { changes: 1_000_000 },
    evidence: 'INFO persistence rdb_changes_since_last_save', explanation: 'That many writes would be lost by a crash without AOF.',
    fix: 'Check the save schedule (CONFIG GET save) or enable AOF.', anchor: 'RedisInsight recommendation',
    check: (ctx) => {
      if (requireSetting(ctx, 'appendonly') === 'yes') return [];
      const n = gauge(ctx, 'persistence.rdb_changes_since_last_save');
      return n >= ctx.t('changes') ? [{ object: 'rdb', message: `${n} changes since the last save`, evidence: { changes: n } }] : [];
    },
  },
  // ---------- security ----------
  {
    id: 'redis.security.protected-mode-off-no-password', title: 'Protected mode off without a password', category: 'security', severity: 'critical', needs: ['settings', 'access'],
    evidence: 'CONFIG protected-mode; requirepass set?; ACL default user', explanation: 'Anyone who reaches the port can read, write, and reconfigure Redis (a common ransom and cryptominer path).',
    fix: 'CONFIG SET protected-mode yes; ACL SETUSER default on >strong-password; CONFIG REWRITE', anchor: 'Redis security docs; issue 17 example',
    check: (ctx) => {
      const pm = requireSetting(ctx, 'protected-mode');
      const pw = passwordSet(ctx);
      if (pw === null) return ctx.skip('whether requirepass is set was not reported');
      return pm === 'no' && !pw && defaultUserOpen(ctx) ? [settingFinding('protected-mode', pm, 'protected mode off and the default user needs no password')] : [];
    },
  },
  {
    id: 'redis.security.default-user-nopass', title: 'Default user without a password', category: 'security', severity: 'high', needs: ['access'],
    evidence: 'ACL LIST: user default on nopass', explanation: 'Every connection is authenticated as default without a password; with protected mode on only local clients are, still any local process.',
    fix: 'ACL SETUSER default on >strong-password; (or off, with named users); ACL SAVE / CONFIG REWRITE', anchor: 'Redis ACL docs; issue 17 example',
    check: (ctx) => (defaultUserOpen(ctx) ? [{ object: 'default', message: 'the default user is enabled with nopass', evidence: { user: 'default' } }] : []),
  },
  {
    id: 'redis.security.users-nopass', title: 'ACL users without a password', category: 'security', severity: 'high', needs: ['access'],
    evidence: 'ACL LIST: enabled users other than default with nopass (skipped with the error when ACL LIST is refused to the monitoring user)',
    explanation: 'A user with nopass accepts any password: anyone who can reach the port can authenticate as it (AUTH <user> <anything>) and get its permissions.',
    fix: 'ACL SETUSER <user> resetpass >strong-password; ACL SAVE (or CONFIG REWRITE)', anchor: 'Redis ACL docs (nopass); issue 14 account facts',
    check: (ctx) => aclUsers(ctx).filter((u) => u.name !== 'default' && u.def.enabled === true && u.def.noPassword === true)
      .map((u) => ({ object: u.name, message: `${u.name} is enabled with nopass`, evidence: { user: u.name, rules: commandsOf(u).slice(0, 20).join(' ') } })),
  },
  {
    id: 'redis.security.dangerous-commands', title: 'Dangerous commands allowed to application users', category: 'security', severity: 'medium', needs: ['access'],
    evidence: 'ACL LIST: each enabled user\'s command rules', explanation: 'FLUSHALL, CONFIG, DEBUG, KEYS, SHUTDOWN and the like in an application\'s hands can wipe or stall the instance.',
    fix: 'ACL SETUSER <user> -@dangerous; (or grant only the command categories the application uses: +@read +@write)', anchor: 'Redis ACL docs (@dangerous); RedisInsight; issue 17 example',
    check: (ctx) => aclUsers(ctx).filter((u) => u.def.enabled === true).flatMap((u) => {
      const rules = commandsOf(u);
      const all = rules.includes('+@all') && !rules.includes('-@dangerous');
      const allowed = DANGEROUS.filter((c) => rules.includes(`+${c}`));
      if (!all && !rules.includes('+@dangerous') && allowed.length === 0) return [];
      return [{ object: u.name, message: `${u.name} may run ${all ? 'every command (+@all)' : rules.includes('+@dangerous') ? '@dangerous' : allowed.join(', ')}`, evidence: { rules: rules.slice(0, 20).join(' ') } }];
    }),
  },
  {
    id: 'redis.security.bind-all', title: 'Listening on all interfaces', category: 'security', severity: 'medium', needs: ['settings'], evidence: 'CONFIG bind',
    explanation: 'Bound to every interface Redis is reachable from any network the host joins.', fix: 'CONFIG SET bind "127.0.0.1 <private address>"; CONFIG REWRITE', anchor: 'Redis security docs',
    check: settingCheck('bind', (v) => v.trim() === '' || v.split(/\s+/).some((a) => ['*', '0.0.0.0', '::', '*-::*', '-::*'].includes(a)), (v) => `bind = '${v}'`),
  },
  {
    id: 'redis.security.debug-command', title: 'DEBUG command enabled', category: 'security', severity: 'medium', needs: ['settings'], evidence: 'CONFIG enable-debug-command', versions: 'Redis 7.0+',
    explanation: 'DEBUG can crash or stall the server and read internals.', fix: 'enable-debug-command no (redis.conf, restart)', anchor: 'Redis 7 security defaults',
    check: (ctx) => {
      if (ctx.setting('enable-debug-command') === null) return ctx.skip('enable-debug-command is not a setting of this version (before 7.0)');
      return settingCheck('enable-debug-command', (v) => v === 'yes', () => 'DEBUG enabled for every client')(ctx);
    },
  },
  {
    id: 'redis.security.module-command', title: 'MODULE command enabled', category: 'security', severity: 'medium', needs: ['settings'], evidence: 'CONFIG enable-module-command', versions: 'Redis 7.0+',
    explanation: 'MODULE LOAD runs arbitrary native code inside Redis.', fix: 'enable-module-command no (redis.conf, restart)', anchor: 'Redis 7 security defaults',
    check: (ctx) => {
      if (ctx.setting('enable-module-command') === null) return ctx.skip('enable-module-command is not a setting of this version (before 7.0)');
      return settingCheck('enable-module-command', (v) => v === 'yes', () => 'MODULE enabled for every client')(ctx);
    },
  },
  {
    id: 'redis.security.tls-off', title: 'TLS not enabled', category: 'security', severity: 'low', needs: ['settings'], evidence: 'CONFIG tls-port',
    explanation: 'Passwords and data cross the network in clear.', fix: 'tls-port 6380 with tls-cert-file / tls-key-file (redis.conf), then port 0.', anchor: 'Redis TLS docs',
    check: (ctx) => settingCheck('tls-port', (v) => v === '0', () => 'tls-port is 0')(ctx),
  },
  // ---------- performance ----------
  {
    id: 'redis.performance.clients-near-max', title: 'Clients near maxclients', category: 'performance', severity: 'high', frequency: 'frequent', needs: ['activity'], thresholds: { percent: 90 },
    evidence: 'connected_clients against maxclients in the runtime snapshots', explanation: 'At maxclients new connections are refused.',
    fix: 'Find the clients holding connections (CLIENT LIST), pool connections; CONFIG SET maxclients 20000 (and the file limit).', anchor: 'issue 17 (90 % of maxclients); awesome-prometheus-alerts RedisTooManyConnections',
    check: (ctx) => {
      let peak: { used: number; max: number } | null = null;
      for (const a of ctx.activity) if (a.connections?.max && (!peak || a.connections.used > peak.used)) peak = { used: a.connections.used, max: a.connections.max };
      if (!peak) return ctx.skip('no client counts stored');
      return pct(peak.used, peak.max) >= ctx.t('percent') ? [{ object: 'maxclients', message: `${peak.used} of ${peak.max} clients`, evidence: { peakClients: peak.used, maxclients: peak.max } }] : [];
    },
  },
  {
    id: 'redis.performance.rejected-connections', title: 'Connections rejected', category: 'performance', severity: 'high', needs: ['series:stats.rejected_connections'],
    evidence: 'INFO stats rejected_connections over the window', explanation: 'Clients were turned away at maxclients.',
    fix: 'Raise maxclients or fix connection leaks.', anchor: 'awesome-prometheus-alerts RedisRejectedConnections',
    check: (ctx) => {
      const n = windowSum(ctx.series('stats.rejected_connections')) ?? 0;
      return n > 0 ? [{ object: 'maxclients', message: `${n} connections rejected`, evidence: { rejected: n } }] : [];
    },
  },
  {
    id: 'redis.performance.evictions', title: 'Keys evicted', category: 'performance', severity: 'medium', needs: ['series:stats.evicted_keys'],
    evidence: 'INFO stats evicted_keys over the window', explanation: 'Redis is at maxmemory and dropping keys; fine for a cache sized for it, data loss otherwise.',
    fix: 'Raise maxmemory, or accept the risk for a cache.', anchor: 'awesome-prometheus-alerts RedisEvictedKeys',
    check: (ctx) => {
      const n = windowSum(ctx.series('stats.evicted_keys')) ?? 0;
      return n > 0 ? [{ object: 'maxmemory', message: `${n} keys evicted in ${ctx.input.windowHours} h`, evidence: { evicted: n } }] : [];
    },
  },
  {
    id: 'redis.performance.hit-rate', title: 'Low keyspace hit rate', category: 'performance', severity: 'low', needs: ['series:stats.keyspace_hits'], thresholds: { percent: 80, minLookups: 10_000 },
    evidence: 'INFO stats keyspace_hits, keyspace_misses over the window', explanation: 'Most lookups miss: a cache too small, TTLs too short or keys read before written.',
    fix: 'Check TTLs and the eviction rate; size maxmemory for the working set.', anchor: 'RedisInsight; Datadog Redis cache hit ratio',
    check: (ctx) => {
      const h = windowSum(ctx.series('stats.keyspace_hits')) ?? 0;
      const m = windowSum(ctx.series('stats.keyspace_misses')) ?? 0;
      return h + m >= ctx.t('minLookups') && pct(h, h + m) < ctx.t('percent') ? [{ object: 'keyspace', message: `hit rate ${pct(h, h + m)} %`, evidence: { hits: h, misses: m } }] : [];
    },
  },
  {
    id: 'redis.performance.blocked-clients', title: 'Clients blocked', category: 'performance', severity: 'low', needs: ['series:clients.blocked_clients'], thresholds: { count: 50 },
    evidence: 'INFO clients blocked_clients', explanation: 'Many clients waiting in BLPOP/XREAD/WAIT: producers are behind.', fix: 'Check the producers; use timeouts on blocking calls.', anchor: 'awesome-prometheus-alerts RedisBlockedClients',
    check: (ctx) => {
      const n = gauge(ctx, 'clients.blocked_clients');
      return n >= ctx.t('count') ? [{ object: 'server', message: `${n} blocked clients`, evidence: { blocked: n } }] : [];
    },
  },
  {
    id: 'redis.performance.fork-latency', title: 'Slow forks', category: 'performance', severity: 'medium', needs: ['series:'], thresholds: { microseconds: 500_000 },
    evidence: 'INFO stats latest_fork_usec', explanation: 'A fork for BGSAVE/BGREWRITEAOF freezes the server for its whole duration.',
    fix: 'Disable transparent huge pages (echo never > /sys/kernel/mm/transparent_hugepage/enabled); reduce the dataset per instance.', anchor: 'Redis LATENCY DOCTOR "fork"',
    check: (ctx) => {
      const v = ctx.value('statsGauges.latest_fork_usec') ?? ctx.value('stats.latest_fork_usec');
      if (v === null) return ctx.skip('latest_fork_usec not stored');
      return v >= ctx.t('microseconds') ? [{ object: 'server', message: `last fork took ${(v / 1000).toFixed(0)} ms`, evidence: { forkMicroseconds: v } }] : [];
    },
  },
  {
    id: 'redis.performance.replication-lag', title: 'Replica lagging', category: 'performance', severity: 'medium', frequency: 'frequent', needs: ['activity'], thresholds: { seconds: 10 },
    evidence: 'INFO replication per replica lag', explanation: 'A replica that has not acknowledged for seconds is behind or disconnected.', fix: 'Check the replica\'s link and load; raise repl-backlog-size.', anchor: 'awesome-prometheus-alerts RedisReplicationBroken',
    check: (ctx) => {
      const worst = new Map<string, number>();
      for (const a of ctx.activity) for (const r of a.replication) if ((r.lagSeconds ?? 0) >= ctx.t('seconds')) worst.set(r.name, Math.max(worst.get(r.name) ?? 0, r.lagSeconds ?? 0));
      return [...worst].map(([name, lag]) => ({ object: name, message: `replica lag ${lag} s`, evidence: { lagSeconds: lag } }));
    },
  },
  {
    id: 'redis.config.slowlog-off', title: 'Slow log disabled', category: 'configuration', severity: 'low', needs: ['settings'], evidence: 'CONFIG slowlog-log-slower-than',
    explanation: 'A negative threshold disables the slow log: slow commands leave no trace.', fix: 'CONFIG SET slowlog-log-slower-than 10000;', anchor: 'Redis SLOWLOG docs',
    check: settingCheck('slowlog-log-slower-than', (v) => (num(v) ?? 0) < 0, (v) => `slowlog-log-slower-than = ${v}`),
  },
  {
    id: 'redis.config.latency-monitor-off', title: 'Latency monitor off', category: 'configuration', severity: 'low', needs: ['settings'], evidence: 'CONFIG latency-monitor-threshold',
    explanation: 'LATENCY DOCTOR and LATENCY LATEST have nothing to report while the threshold is 0.', fix: 'CONFIG SET latency-monitor-threshold 100;', anchor: 'Redis LATENCY DOCTOR',
    check: settingCheck('latency-monitor-threshold', (v) => v === '0', () => 'latency-monitor-threshold is 0'),
  },
  {
    id: 'redis.config.replica-writable', title: 'Writable replica', category: 'configuration', severity: 'medium', needs: ['settings'], evidence: 'CONFIG replica-read-only',
    explanation: 'Writes to a replica diverge from the primary and vanish at the next resync.', fix: 'CONFIG SET replica-read-only yes;', anchor: 'Redis replication docs',
    check: settingCheck('replica-read-only', (v) => v === 'no', () => 'replica-read-only is no'),
  },
  {
    id: 'redis.config.tcp-keepalive-off', title: 'TCP keepalive off', category: 'configuration', severity: 'low', needs: ['settings'], evidence: 'CONFIG tcp-keepalive',
    explanation: 'Dead peers are never detected: their connections count against maxclients for ever.', fix: 'CONFIG SET tcp-keepalive 300;', anchor: 'Redis config defaults (300 since 3.2.1)',
    check: settingCheck('tcp-keepalive', (v) => v === '0', () => 'tcp-keepalive is 0'),
  },
  {
    id: 'redis.config.lazyfree-eviction', title: 'Eviction frees memory synchronously', category: 'configuration', severity: 'low', needs: ['settings'], evidence: 'CONFIG lazyfree-lazy-eviction, maxmemory',
    explanation: 'Evicting large keys synchronously blocks the event loop.', fix: 'CONFIG SET lazyfree-lazy-eviction yes;', anchor: 'Redis LATENCY DOCTOR; redis.conf LAZY FREEING',
    check: (ctx) => (requireSetting(ctx, 'maxmemory') !== '0' && isOff(requireSetting(ctx, 'lazyfree-lazy-eviction')) ? [settingFinding('lazyfree-lazy-eviction', 'no', 'eviction frees synchronously')] : []),
  },
  {
    id: 'redis.config.version-eol', title: 'Redis version past end of life', category: 'configuration', severity: 'high', frequency: 'rare', needs: [], dataClass: 'external',
    evidence: 'server version; the end-of-life table shipped with the server (dated)', explanation: 'Old Redis minors get no security fixes.',
    fix: 'Upgrade to a supported Redis (or Valkey) release.', anchor: 'endoflife.date/redis', check: (ctx) => eolCheck(ctx, 'redis'),
  },
]);
