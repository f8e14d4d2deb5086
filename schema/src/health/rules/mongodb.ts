// MongoDB rules. They read getCmdLineOpts.parsed as dotted settings and getParameter values (settings snapshot),
// users and roles (access), databases, collections and indexes with $indexStats usage (schema), serverStatus series
// (connections.*, wiredTigerCache.*, tickets.* per kind, globalLock.*, asserts.*, oplog.*), and the runtime
// snapshots (currentOp, replica set members).
import type { HealthItem } from '../input';
import { engineRules, type RuleContext } from '../rule';
import { eolCheck } from './eol';
import { GB, MB, num, pct, settingFinding, windowSum } from './helpers';

/** The parsed command-line options, or skipped when getCmdLineOpts was not collected (never a silent pass). */
function opts(ctx: RuleContext): (name: string) => string | null {
  // Collected but empty: a server that does not expose its configuration (FerretDB answers `parsed: {}`).
  if (ctx.items('settings', 'setting').length === 0) return ctx.skip('getCmdLineOpts reported no parsed command-line options for this target (the server does not expose its configuration)');
  return (name) => ctx.setting(name);
}
function gauge(ctx: RuleContext, metric: string): number {
  const v = ctx.value(metric);
  if (v === null) return ctx.skip(`${metric} not stored for this target`);
  return v;
}
/** The replica set rules read the members only: a refused currentOp (FerretDB, some managed services) does not skip them. */
const REPLICA_SET_COLLECTORS = ['runtime', 'replicaSetStatus'] as const;
const latestMembers = (ctx: RuleContext) => ctx.activity.at(-1)?.replication ?? [];
const rolesOf = (u: { def: Record<string, unknown> }): string[] =>
  Array.isArray(u.def.roles) ? (u.def.roles as unknown[]).map((r) => (typeof r === 'string' ? r : typeof r === 'object' && r !== null ? String((r as { role?: unknown }).role ?? '') : '')) : [];

function indexKeyFields(i: { def: Record<string, unknown> }): string[] {
  const key = i.def.key;
  return key && typeof key === 'object' ? Object.entries(key as Record<string, unknown>).map(([k, v]) => `${k}:${String(v)}`) : [];
}

export const MONGODB_RULES = engineRules('mongodb', [
  // ---------- security ----------
  {
    id: 'mongodb.security.authorization-disabled', title: 'Authorization disabled', category: 'security', severity: 'critical', needs: ['settings'],
    evidence: 'getCmdLineOpts security.authorization', explanation: 'Without authorization every client that reaches the port has full access to every database.',
    fix: 'security:\n  authorization: enabled   (mongod.conf; create an admin user first, then restart)', anchor: 'PMM advisor mongodb_auth; issue 17 example',
    check: (ctx) => {
      const v = opts(ctx)('security.authorization');
      const keyFile = opts(ctx)('security.keyFile');
      return v !== 'enabled' && keyFile === null ? [settingFinding('security.authorization', v ?? '(not set)', 'authorization is not enabled')] : [];
    },
  },
  {
    id: 'mongodb.security.bind-all', title: 'Bound to all interfaces', category: 'security', severity: 'high', needs: ['settings'],
    evidence: 'getCmdLineOpts net.bindIp, net.bindIpAll', explanation: 'mongod accepts connections on every network the host is on.',
    fix: 'net:\n  bindIp: 127.0.0.1,<private address>   (mongod.conf, restart)', anchor: 'PMM advisor mongodb_bind_ip; issue 17 example',
    check: (ctx) => {
      const o = opts(ctx);
      const ip = o('net.bindIp');
      const all = o('net.bindIpAll') === 'true' || (ip ?? '').split(',').map((x) => x.trim()).some((x) => x === '0.0.0.0' || x === '*' || x === '::');
      return all ? [settingFinding('net.bindIp', ip ?? 'bindIpAll', 'mongod listens on all interfaces')] : [];
    },
  },
  {
    id: 'mongodb.security.tls-disabled', title: 'TLS disabled', category: 'security', severity: 'medium', needs: ['settings'],
    evidence: 'getCmdLineOpts net.tls.mode (net.ssl.mode before 4.2)', explanation: 'Credentials and documents cross the network in clear.',
    fix: 'net:\n  tls:\n    mode: requireTLS\n    certificateKeyFile: /etc/ssl/mongodb.pem', anchor: 'PMM advisor mongodb_tls',
    check: (ctx) => {
      const o = opts(ctx);
      const mode = o('net.tls.mode') ?? o('net.ssl.mode');
      return !mode || mode === 'disabled' ? [settingFinding('net.tls.mode', mode ?? '(not set)', 'TLS is not enabled')] : [];
    },
  },
  {
    id: 'mongodb.security.javascript', title: 'Server-side JavaScript enabled', category: 'security', severity: 'low', needs: ['settings'],
    evidence: 'getCmdLineOpts security.javascriptEnabled', explanation: '$where, mapReduce and $function run JavaScript inside mongod: an injection vector and a CPU risk.',
    fix: 'security:\n  javascriptEnabled: false', anchor: 'MongoDB security checklist',
    check: (ctx) => (opts(ctx)('security.javascriptEnabled') !== 'false' ? [settingFinding('security.javascriptEnabled', opts(ctx)('security.javascriptEnabled') ?? '(default true)', 'server-side JavaScript is enabled')] : []),
  },
  {
    id: 'mongodb.security.localhost-bypass', title: 'Localhost authentication bypass on', category: 'security', severity: 'medium', needs: ['settings'],
    evidence: 'getParameter enableLocalhostAuthBypass', explanation: 'Until the first user exists, any local connection has full access; it should be off once users exist.',
    fix: 'setParameter:\n  enableLocalhostAuthBypass: false', anchor: 'MongoDB security checklist',
    check: (ctx) => {
      const v = ctx.setting('enableLocalhostAuthBypass') ?? ctx.setting('setParameter.enableLocalhostAuthBypass');
      if (v === null) return ctx.skip('getParameter was not collected or does not report enableLocalhostAuthBypass');
      if (v === '<redacted>') return ctx.skip('the agent redacted enableLocalhostAuthBypass in the command-line options, and getParameter was not collected');
      return v === 'true' ? [settingFinding('enableLocalhostAuthBypass', v, 'localhost bypass is on')] : [];
    },
  },
  {
    id: 'mongodb.security.root-users', title: 'Users with the root role', category: 'security', severity: 'medium', needs: ['access'],
    evidence: 'usersInfo: roles of each user', explanation: 'root grants everything on every database; applications should have per-database roles.',
    fix: 'db.revokeRolesFromUser("<user>", ["root"]); db.grantRolesToUser("<user>", [{ role: "readWrite", db: "<app>" }])', anchor: 'PMM advisor mongodb_users_roles',
    check: (ctx) => ctx.items('access', 'user').filter((u) => rolesOf(u).some((r) => r === 'root' || r === '__system')).map((u) => ({ object: u.name, message: `${u.name} has root`, evidence: { roles: rolesOf(u).join(',') } })),
  },
  {
    id: 'mongodb.security.any-database-roles', title: 'Users with *AnyDatabase roles', category: 'security', severity: 'low', needs: ['access'],
    evidence: 'usersInfo: roles', explanation: 'readWriteAnyDatabase / userAdminAnyDatabase reach every database, including ones added later.',
    fix: 'Replace with per-database roles.', anchor: 'MongoDB built-in roles docs',
    check: (ctx) => ctx.items('access', 'user').filter((u) => rolesOf(u).some((r) => /AnyDatabase$/.test(r))).map((u) => ({ object: u.name, message: `${u.name}: ${rolesOf(u).filter((r) => /AnyDatabase$/.test(r)).join(', ')}`, evidence: { roles: rolesOf(u).join(',') } })),
  },
  {
    id: 'mongodb.security.sha1-only', title: 'Users limited to SCRAM-SHA-1', category: 'security', severity: 'low', needs: ['access'],
    evidence: 'usersInfo: mechanisms', explanation: 'SCRAM-SHA-1 is weaker than SCRAM-SHA-256 (default since 4.0).',
    fix: 'db.updateUser("<user>", { pwd: "<new>", mechanisms: ["SCRAM-SHA-256"] })', anchor: 'MongoDB authentication docs',
    check: (ctx) => ctx.items('access', 'user').filter((u) => Array.isArray(u.def.mechanisms) && (u.def.mechanisms as string[]).length > 0 && !(u.def.mechanisms as string[]).includes('SCRAM-SHA-256'))
      .map((u) => ({ object: u.name, message: `${u.name} has only ${(u.def.mechanisms as string[]).join(', ')}`, evidence: {} })),
  },
  // ---------- performance / availability ----------
  {
    id: 'mongodb.performance.no-primary', onlyCollectors: REPLICA_SET_COLLECTORS, title: 'Replica set without a primary', category: 'performance', severity: 'critical', frequency: 'frequent', needs: ['activity'],
    evidence: 'replSetGetStatus members in the latest runtime snapshot', explanation: 'Without a primary no write is accepted.',
    fix: 'Check member health and elections: rs.status(); bring a majority of voting members back.', anchor: 'PMM advisor mongodb_replica_set_primary; issue 17 example',
    check: (ctx) => {
      const members = latestMembers(ctx);
      if (members.length === 0) return ctx.skip('not a replica set member (no members reported)');
      return members.some((m) => m.state === 'PRIMARY') ? [] : [{ object: 'replica set', message: 'no member is PRIMARY', evidence: { states: members.map((m) => `${m.name}=${m.state ?? '?'}`).join(', ') } }];
    },
  },
  {
    id: 'mongodb.performance.unhealthy-members', onlyCollectors: REPLICA_SET_COLLECTORS, title: 'Unhealthy replica set members', category: 'performance', severity: 'high', frequency: 'frequent', needs: ['activity'],
    evidence: 'replSetGetStatus member states', explanation: 'Members in RECOVERING, DOWN, STARTUP2, ROLLBACK or UNKNOWN do not serve and reduce the set\'s fault tolerance.',
    fix: 'rs.status() for the member\'s lastHeartbeatMessage; resync it if it fell off the oplog.', anchor: 'PMM advisor mongodb_replica_set_members; issue 17 example',
    check: (ctx) => {
      const members = latestMembers(ctx);
      if (members.length === 0) return ctx.skip('not a replica set member (no members reported)');
      return members.filter((m) => !['PRIMARY', 'SECONDARY', 'ARBITER'].includes(m.state ?? '')).map((m) => ({ object: m.name, message: `member ${m.name} is ${m.state ?? 'unknown'}`, evidence: { state: m.state } }));
    },
  },
  {
    id: 'mongodb.performance.replica-lag', onlyCollectors: REPLICA_SET_COLLECTORS, title: 'Secondary lag', category: 'performance', severity: 'high', frequency: 'frequent', needs: ['activity'], thresholds: { seconds: 10 },
    evidence: 'replSetGetStatus optime lag per secondary in the runtime snapshots', explanation: 'Lagging secondaries serve stale reads and may fall off the oplog.',
    fix: 'Check the secondary\'s disk and the primary\'s write load; consider flow control settings.', anchor: 'PMM advisor mongodb_replication_lag; awesome-prometheus-alerts MongodbReplicationLag (10 s)',
    check: (ctx) => {
      if (!ctx.activity.some((a) => a.replication.length > 0)) return ctx.skip('not a replica set member (no members reported)');
      const worst = new Map<string, number>();
      for (const a of ctx.activity) for (const r of a.replication) if ((r.lagSeconds ?? 0) >= ctx.t('seconds')) worst.set(r.name, Math.max(worst.get(r.name) ?? 0, r.lagSeconds ?? 0));
      return [...worst].map(([name, lag]) => ({ object: name, message: `${lag} s behind the primary`, evidence: { lagSeconds: lag } }));
    },
  },
  {
    id: 'mongodb.performance.few-members', onlyCollectors: REPLICA_SET_COLLECTORS, title: 'Replica set with fewer than three data-bearing members', category: 'performance', severity: 'medium', needs: ['activity'],
    evidence: 'replSetGetStatus members', explanation: 'With two members losing one leaves no majority; with an arbiter, writes with majority concern stall.',
    fix: 'rs.add("<third host>:27017")', anchor: 'PMM advisor mongodb_replica_set_topology',
    check: (ctx) => {
      const members = latestMembers(ctx);
      if (members.length === 0) return ctx.skip('not a replica set member (no members reported)');
      const data = members.filter((m) => m.state !== 'ARBITER').length;
      return data < 3 ? [{ object: 'replica set', message: `${data} data-bearing members`, evidence: { members: members.length } }] : [];
    },
  },
  {
    id: 'mongodb.maintenance.oplog-window', title: 'Oplog window shorter than 24 h', category: 'maintenance', severity: 'high', needs: ['series:oplog.'], thresholds: { hours: 24 },
    evidence: 'oplog first and last entry times (window)', explanation: 'A secondary down for longer than the window cannot catch up and needs a full resync.',
    fix: 'db.adminCommand({ replSetResizeOplog: 1, size: <MB> }) or set storage.oplogMinRetentionHours.', anchor: 'PMM advisor mongodb_oplog_window; issue 17 example',
    check: (ctx) => {
      const w = ctx.value('oplog.windowSeconds');
      if (w === null) return ctx.skip('the oplog window was not reported (no entries, or not a replica set member)');
      return w < ctx.t('hours') * 3600 ? [{ object: 'oplog', message: `oplog covers ${(w / 3600).toFixed(1)} h`, evidence: { windowHours: Math.round(w / 36) / 100 } }] : [];
    },
  },
  {
    id: 'mongodb.config.oplog-small', title: 'Small oplog', category: 'configuration', severity: 'low', needs: ['series:oplog.'], thresholds: { bytes: 990 * MB },
    evidence: 'oplog maxSizeBytes', explanation: 'The default oplog is 5 % of disk (at least 990 MB); a smaller one shortens the window.',
    fix: 'db.adminCommand({ replSetResizeOplog: 1, size: 16000 })', anchor: 'MongoDB oplog sizing docs',
    check: (ctx) => {
      const max = gauge(ctx, 'oplog.maxSizeBytes');
      return max < ctx.t('bytes') ? [{ object: 'oplog', message: `oplog limited to ${(max / MB).toFixed(0)} MB`, evidence: { maxSizeBytes: max } }] : [];
    },
  },
  {
    id: 'mongodb.performance.tickets', title: 'WiredTiger tickets exhausted', category: 'performance', severity: 'high', frequency: 'frequent', needs: ['series:tickets.'], thresholds: { percent: 80 },
    evidence: 'read and write tickets: out against total', explanation: 'When tickets run out operations queue for the storage engine.',
    fix: 'Find the slow operations holding tickets (currentOp); add capacity. Do not just raise the ticket count.', anchor: 'PMM advisor mongodb_wiredtiger_tickets; issue 17 example',
    check: (ctx) => {
      const total = new Map(ctx.series('tickets.totalTickets').map((s) => [s.labels.kind ?? '', s.value]));
      return ctx.series('tickets.out').filter((s) => (total.get(s.labels.kind ?? '') ?? 0) > 0 && pct(s.value, total.get(s.labels.kind ?? '') ?? 1) >= ctx.t('percent'))
        .map((s) => ({ object: `${s.labels.kind ?? ''} tickets`, message: `${s.value} of ${total.get(s.labels.kind ?? '')} ${s.labels.kind} tickets in use`, evidence: { out: s.value, total: total.get(s.labels.kind ?? '') ?? null } }));
    },
  },
  {
    id: 'mongodb.performance.cache-pressure', title: 'WiredTiger cache nearly full', category: 'performance', severity: 'medium', needs: ['series:wiredTigerCache.'], thresholds: { percent: 95 },
    evidence: 'wiredTigerCache bytesInCache against maxBytesConfigured', explanation: 'Above 95 % application threads start evicting pages themselves and latency rises.',
    fix: 'Raise storage.wiredTiger.engineConfig.cacheSizeGB (with RAM) or reduce the working set (indexes, projections).', anchor: 'PMM advisor mongodb_wiredtiger_cache; issue 17 example',
    check: (ctx) => {
      const used = gauge(ctx, 'wiredTigerCache.bytesInCache');
      const max = gauge(ctx, 'wiredTigerCache.maxBytesConfigured');
      return max > 0 && pct(used, max) >= ctx.t('percent') ? [{ object: 'wiredTiger cache', message: `cache ${pct(used, max)} % full`, evidence: { bytesInCache: used, maxBytes: max } }] : [];
    },
  },
  {
    id: 'mongodb.performance.dirty-cache', title: 'WiredTiger dirty cache high', category: 'performance', severity: 'medium', needs: ['series:wiredTigerCache.'], thresholds: { percent: 20 },
    evidence: 'wiredTigerCache trackedDirtyBytes against maxBytesConfigured', explanation: 'Above 20 % dirty, application threads are drafted to write pages out.',
    fix: 'Check disk write latency; spread write bursts.', anchor: 'WiredTiger eviction_dirty_trigger (20 %)',
    check: (ctx) => {
      const dirty = gauge(ctx, 'wiredTigerCache.trackedDirtyBytes');
      const max = gauge(ctx, 'wiredTigerCache.maxBytesConfigured');
      return max > 0 && pct(dirty, max) >= ctx.t('percent') ? [{ object: 'wiredTiger cache', message: `${pct(dirty, max)} % of the cache is dirty`, evidence: { dirtyBytes: dirty } }] : [];
    },
  },
  {
    id: 'mongodb.performance.app-eviction', title: 'Application threads evicting pages', category: 'performance', severity: 'medium', needs: ['series:wiredTigerCache.pagesEvictedByApplicationThreads'],
    evidence: 'wiredTigerCache pagesEvictedByApplicationThreads over the window', explanation: 'Operations stall doing eviction work the background threads could not keep up with.',
    fix: 'Raise the cache size or lower the write rate; check disk throughput.', anchor: 'PMM advisor mongodb_wiredtiger_cache (eviction)',
    check: (ctx) => {
      const n = windowSum(ctx.series('wiredTigerCache.pagesEvictedByApplicationThreads')) ?? 0;
      return n > 0 ? [{ object: 'wiredTiger cache', message: `${n} pages evicted by application threads`, evidence: { pages: n } }] : [];
    },
  },
  {
    id: 'mongodb.performance.connections', title: 'Connections near the limit', category: 'performance', severity: 'high', frequency: 'frequent', needs: ['series:connections.'], thresholds: { percent: 80 },
    evidence: 'serverStatus connections current and available', explanation: 'At the limit new connections are refused.',
    fix: 'Lower driver pool sizes (maxPoolSize); raise net.maxIncomingConnections and the file limit.', anchor: 'awesome-prometheus-alerts MongodbTooManyConnections (80 %)',
    check: (ctx) => {
      const cur = gauge(ctx, 'connections.current');
      const avail = gauge(ctx, 'connections.available');
      return pct(cur, cur + avail) >= ctx.t('percent') ? [{ object: 'server', message: `${cur} of ${cur + avail} connections`, evidence: { current: cur, available: avail } }] : [];
    },
  },
  {
    id: 'mongodb.performance.rejected-connections', title: 'Connections rejected', category: 'performance', severity: 'high', needs: ['series:connections.rejected'],
    evidence: 'serverStatus connections.rejected over the window', explanation: 'Clients were refused at the connection limit.', fix: 'See the connections rule.', anchor: 'MongoDB serverStatus docs',
    check: (ctx) => {
      const n = windowSum(ctx.series('connections.rejected')) ?? 0;
      return n > 0 ? [{ object: 'server', message: `${n} connections rejected`, evidence: { rejected: n } }] : [];
    },
  },
  {
    id: 'mongodb.performance.lock-queue', title: 'Operations queued for locks', category: 'performance', severity: 'medium', frequency: 'frequent', needs: ['series:globalLock.'], thresholds: { queued: 10 },
    evidence: 'serverStatus globalLock.currentQueue.total', explanation: 'Queued operations wait for a lock or a ticket.', fix: 'Find the long operations in currentOp; check tickets.', anchor: 'PMM advisor mongodb_queued_operations',
    check: (ctx) => {
      const q = gauge(ctx, 'globalLock.queueTotal');
      return q >= ctx.t('queued') ? [{ object: 'server', message: `${q} operations queued`, evidence: { queued: q } }] : [];
    },
  },
  {
    id: 'mongodb.performance.long-operations', title: 'Long-running operations', category: 'performance', severity: 'medium', frequency: 'frequent', needs: ['activity'], thresholds: { seconds: 60 },
    evidence: 'active operations in every runtime snapshot (currentOp)', explanation: 'Long operations hold tickets and yield repeatedly.', fix: 'db.killOp(<opid>); set maxTimeMS in the driver.', anchor: 'PgHero long running queries (60 s), applied to MongoDB',
    check: (ctx) => ctx.activity.flatMap((a) => a.sessions).filter((s) => s.state === 'active' && (s.durationSeconds ?? 0) >= ctx.t('seconds'))
      .reduce<Array<{ object: string; message: string; evidence: Record<string, string | number | null> }>>((acc, s) => (acc.some((f) => f.object === `op ${s.id}`) ? acc : [...acc, { object: `op ${s.id}`, message: `operation ran ${Math.round(s.durationSeconds ?? 0)} s`, evidence: { seconds: s.durationSeconds, database: s.database, command: s.query?.slice(0, 200) ?? null } }]), []),
  },
  {
    id: 'mongodb.maintenance.asserts', title: 'Assertions raised', category: 'maintenance', severity: 'low', needs: ['series:asserts.'], evidence: 'serverStatus asserts regular and warning over the window',
    explanation: 'Regular and warning asserts point at server-side errors worth a look in the log.', fix: 'Read the mongod log around the assertions.', anchor: 'MongoDB serverStatus asserts docs',
    check: (ctx) => {
      const n = (windowSum(ctx.series('asserts.regular')) ?? 0) + (windowSum(ctx.series('asserts.warning')) ?? 0);
      return n > 0 ? [{ object: 'server', message: `${n} regular/warning asserts`, evidence: { asserts: n } }] : [];
    },
  },
  // ---------- schema ----------
  {
    id: 'mongodb.schema.unused-index', title: 'Unused indexes', category: 'schema', severity: 'low', needs: ['schema', 'history'], dataClass: 'history', thresholds: { minStatsDays: 14 },
    // $indexStats failing (FerretDB: not implemented; a managed service blocking it) is the agent's indexStats error.
    collectors: ['indexStats'],
    evidence: '$indexStats accesses.ops since the server started; statistics age', explanation: 'An unused index costs every write and cache space.',
    fix: 'db.<collection>.hideIndex("<index>") to test, then db.<collection>.dropIndex("<index>")', anchor: 'PMM advisor mongodb_unused_index; issue 17 example',
    check: (ctx) => {
      const indexes = ctx.items('schema', 'index').filter((i) => !i.name.endsWith('._id_'));
      // No usage counted for any index: $indexStats did not answer, and "no usage data" is not "no usage".
      if (indexes.length > 0 && indexes.every((i) => typeof i.stats?.scans !== 'number')) return ctx.skip('index usage ($indexStats) was not reported for any index of this target');
      return indexes.filter((i) => i.stats?.unused === true).map((i) => ({ object: i.name, message: `index ${i.name} never used`, evidence: { key: indexKeyFields(i).join(',') } }));
    },
  },
  {
    id: 'mongodb.schema.redundant-index', title: 'Redundant indexes', category: 'schema', severity: 'low', needs: ['schema'],
    evidence: 'listIndexes keys: an index whose keys are a prefix of another\'s', explanation: 'The longer index serves the same queries.',
    fix: 'db.<collection>.dropIndex("<index>")', anchor: 'MongoDB compound index prefixes docs',
    check: (ctx) => {
      const byColl = new Map<string, HealthItem[]>();
      for (const i of ctx.items('schema', 'index')) {
        const coll = i.name.slice(0, i.name.lastIndexOf('.'));
        byColl.set(coll, [...(byColl.get(coll) ?? []), i]);
      }
      return [...byColl.values()].flatMap((list) => list.filter((i) => i.def.unique !== true && !i.name.endsWith('._id_') && list.some((o) => o !== i && indexKeyFields(o).length > indexKeyFields(i).length && indexKeyFields(i).every((k, n) => indexKeyFields(o)[n] === k)))
        .map((i) => ({ object: i.name, message: `keys (${indexKeyFields(i).join(', ')}) are a prefix of another index`, evidence: { key: indexKeyFields(i).join(',') } })));
    },
  },
  {
    id: 'mongodb.schema.duplicate-index', title: 'Duplicate indexes', category: 'schema', severity: 'medium', needs: ['schema'],
    evidence: 'listIndexes with the agent\'s duplicate detection', explanation: 'Indexes covered by another index of the collection serve nothing more.',
    fix: 'db.<collection>.dropIndex("<index>")', anchor: 'pt-duplicate-key-checker, applied to MongoDB',
    check: (ctx) => ctx.items('schema', 'index').filter((i) => Array.isArray(i.stats?.duplicateOf) && (i.stats.duplicateOf as unknown[]).length > 0)
      .map((i) => ({ object: i.name, message: `covered by ${(i.stats?.duplicateOf as string[]).join(', ')}`, evidence: { coveredBy: (i.stats?.duplicateOf as string[]).join(',') } })),
  },
  // ---------- configuration ----------
  {
    id: 'mongodb.config.profiler-all', title: 'Profiler recording every operation', category: 'configuration', severity: 'medium', needs: ['settings'],
    evidence: 'getCmdLineOpts operationProfiling.mode', explanation: 'Profiling level 2 writes every operation to system.profile: heavy overhead.',
    fix: 'operationProfiling:\n  mode: slowOp\n  slowOpThresholdMs: 100', anchor: 'PMM advisor mongodb_profiler_level',
    check: (ctx) => (opts(ctx)('operationProfiling.mode') === 'all' ? [settingFinding('operationProfiling.mode', 'all', 'profiling every operation')] : []),
  },
  {
    id: 'mongodb.config.slow-op-threshold', title: 'Slow operations threshold too high', category: 'configuration', severity: 'low', needs: ['settings'], thresholds: { ms: 1_000 },
    evidence: 'getCmdLineOpts operationProfiling.slowOpThresholdMs', explanation: 'Operations faster than the threshold are neither logged nor profiled as slow; above 1 s most slow operations go unseen.',
    fix: 'operationProfiling:\n  slowOpThresholdMs: 100', anchor: 'MongoDB profiler docs (default 100 ms)',
    check: (ctx) => {
      const v = num(opts(ctx)('operationProfiling.slowOpThresholdMs'));
      return v !== null && v > ctx.t('ms') ? [settingFinding('operationProfiling.slowOpThresholdMs', String(v), `slow operations logged only above ${v} ms`)] : [];
    },
  },
  {
    id: 'mongodb.config.journal-disabled', title: 'Journal disabled', category: 'configuration', severity: 'critical', needs: ['settings'], versions: 'before MongoDB 6.1 (journaling cannot be disabled after)',
    applies: (v) => v.major < 6 || (v.major === 6 && v.minor < 1),
    evidence: 'getCmdLineOpts storage.journal.enabled', explanation: 'Without the journal a crash loses everything since the last checkpoint (60 s) and may corrupt data.',
    fix: 'storage:\n  journal:\n    enabled: true', anchor: 'PMM advisor mongodb_journal',
    check: (ctx) => (opts(ctx)('storage.journal.enabled') === 'false' ? [settingFinding('storage.journal.enabled', 'false', 'journal disabled')] : []),
  },
  {
    id: 'mongodb.config.cache-size-ram', title: 'WiredTiger cache larger than the host allows', category: 'configuration', severity: 'high', needs: ['series:wiredTigerCache.', 'host'], dataClass: 'host', thresholds: { percent: 80 },
    evidence: 'wiredTigerCache maxBytesConfigured; host RAM', explanation: 'The default is 50 % of (RAM − 1 GB); much more leaves no room for connections, aggregation and the file cache.',
    fix: 'storage.wiredTiger.engineConfig.cacheSizeGB: <≈ 50 % of RAM>', anchor: 'MongoDB WiredTiger cache docs',
    check: (ctx) => {
      const ram = ctx.input.host?.memoryBytes ?? null;
      if (ram === null) return ctx.skip('the host\'s RAM is not known');
      const max = gauge(ctx, 'wiredTigerCache.maxBytesConfigured');
      return pct(max, ram) >= ctx.t('percent') ? [{ object: 'cacheSizeGB', message: `cache ${(max / GB).toFixed(1)} GB is ${pct(max, ram)} % of RAM`, evidence: { cacheBytes: max, ramBytes: ram } }] : [];
    },
  },
  {
    id: 'mongodb.config.write-concern', title: 'Default write concern not majority', category: 'configuration', severity: 'medium', needs: ['settings'],
    evidence: 'replica set configuration settings.getLastErrorDefaults / getDefaultRWConcern', explanation: 'Writes acknowledged by the primary alone can be rolled back on failover.',
    fix: 'db.adminCommand({ setDefaultRWConcern: 1, defaultWriteConcern: { w: "majority" } })', anchor: 'PMM advisor mongodb_write_concern',
    check: (ctx) => ctx.skip('the data it reads is not stored yet: the replica set configuration is pending issue 14'),
  },
  {
    id: 'mongodb.config.version-eol', title: 'MongoDB version past end of life', category: 'configuration', severity: 'high', frequency: 'rare', needs: [], dataClass: 'external',
    evidence: 'server version; the end-of-life table shipped with the server (dated)', explanation: 'Releases past end of life get no fixes.',
    fix: 'Upgrade one major version at a time (setFeatureCompatibilityVersion between).', anchor: 'PMM advisor mongodb_version; MongoDB lifecycle schedule', check: (ctx) => eolCheck(ctx, 'mongodb'),
  },
]);
