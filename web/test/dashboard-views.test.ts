// Pure pieces behind the charts and the Schema Explorer's permissions, tested without a browser. Items are shaped as
// the API serves the access snapshot (activities/src/normalize/engines/*); the browser test checks them on real servers.
import { describe, expect, it } from 'vitest';
import { integerTicks, nearestIndex, steppedIndex, type TimePoint } from '../src/lib/components/charts/chart-config';
import { formatCount } from '../src/lib/format/number';
import { reportingLabel, sortFleet, sparkPaths } from '../src/routes/(app)/fleet';
import { filterSettings } from '../src/routes/(app)/settings/settings-view';
import type { FleetTarget } from '../src/lib/api';
import { shownWindow } from '../src/lib/components/charts/points';
import { accessPerUser, splitByPrincipal } from '../src/routes/(app)/schema/access';
import { headroomRows, indexColumnsText, lacksPrimaryKey, tableFacts, unusedWindow } from '../src/routes/(app)/schema/tree';
import { latestValues } from '../src/lib/components/charts/chart-config';
import { engineLabel, shortVersion } from '../src/lib/engine-label';
import type { SchemaObject } from '../src/lib/api';

const at = (s: number): TimePoint => ({ ts: new Date(Date.UTC(2026, 0, 1, 12, 0, s)), values: { v: s } });
const item = (type: string, name: string, definition: Record<string, unknown> = {}): SchemaObject => ({ type, name, definition, stats: null });

describe('chart crosshair', () => {
  const points = [at(0), at(10), at(20), at(30)];

  it('snaps an instant to the nearest point', () => {
    expect(nearestIndex(points, at(14).ts)).toBe(1);
    expect(nearestIndex(points, at(16).ts)).toBe(2);
    expect(nearestIndex(points, at(99).ts)).toBe(3);
    expect(nearestIndex([], at(1).ts)).toBe(-1);
  });

  it('moves by key: arrows one point, Home/End to the ends, never past them; from nothing to the latest', () => {
    expect(steppedIndex('ArrowLeft', -1, 4)).toBe(3);
    expect(steppedIndex('ArrowLeft', 3, 4)).toBe(2);
    expect(steppedIndex('ArrowRight', 3, 4)).toBe(3);
    expect(steppedIndex('ArrowLeft', 0, 4)).toBe(0);
    expect(steppedIndex('Home', 2, 4)).toBe(0);
    expect(steppedIndex('End', 0, 4)).toBe(3);
    expect(steppedIndex('Tab', 1, 4)).toBeUndefined();
    expect(steppedIndex('ArrowLeft', -1, 0)).toBeUndefined();
  });
});

describe('shared time axis of a page’s charts', () => {
  const range = { from: new Date(Date.UTC(2026, 0, 1, 11)), to: new Date(Date.UTC(2026, 0, 1, 12, 1)) };

  it('starts at the first value when the target has reported for less than the range', () => {
    const shown = shownWindow(range, [[at(30)], [at(0), at(30)], []]);
    expect(shown.to).toBe(range.to);
    expect(shown.from.getTime()).toBeLessThan(at(0).ts.getTime());
    expect(shown.from.getTime()).toBeGreaterThan(at(0).ts.getTime() - 5000);
  });

  it('does not count points without any value (empty buckets) as the start of the data', () => {
    const empty = { ts: range.from, values: { used: null } };
    const shown = shownWindow(range, [[empty, at(30)]]);
    expect(shown.from.getTime()).toBeGreaterThan(range.from.getTime());
  });

  it('keeps the chosen range when data reaches back to its start, or when there is none', () => {
    expect(shownWindow(range, [[{ ts: range.from, values: {} }]])).toBe(range);
    expect(shownWindow(range, [[], []])).toBe(range);
  });
});

// Issue 14: counts got ticks of 0.5 sessions and latest values of 2.35 connections at long ranges.
describe('axes and values of counts', () => {
  it('tick whole numbers from 0, the last tick at or above the top value', () => {
    for (const top of [0, 0.4, 1, 2.5, 3, 7, 13, 99, 101, 1234.5]) {
      const ticks = integerTicks(top);
      expect(ticks[0]).toBe(0);
      expect(ticks.every((t) => Number.isInteger(t))).toBe(true);
      expect(ticks.at(-1)!).toBeGreaterThanOrEqual(top);
      expect(ticks.length).toBeLessThanOrEqual(7);
    }
    expect(integerTicks(2.5)).toEqual([0, 1, 2, 3]);
    expect(integerTicks(100)).toEqual([0, 50, 100]);
  });

  it('show a count whole', () => {
    expect(formatCount(2.35)).toBe('2');
    expect(formatCount(0.5)).toBe('1');
    expect(formatCount(null)).toBe('—');
  });
});

describe('privileges per user', () => {
  it('splits grantee and object by the longest known principal, whatever spaces the names hold', () => {
    const names = new Set(['app', 'app on call', 'PUBLIC']);
    expect(splitByPrincipal('app on call on table db.public.t', ' on ', names)).toEqual(['app on call', 'table db.public.t']);
    expect(splitByPrincipal('app on schema db.s', ' on ', names)).toEqual(['app', 'schema db.s']);
    expect(splitByPrincipal('nobody on table t', ' on ', names)).toBeUndefined();
  });

  it('PostgreSQL: a login role gets its own grants, its roles’ (transitively) and PUBLIC’s; SET ROLE-only roles are marked', () => {
    const users = accessPerUser('postgresql', [
      item('role', 'alice', { rolcanlogin: true, rolsuper: false }),
      item('role', 'readers', { rolcanlogin: false }),
      item('role', 'staff', { rolcanlogin: false }),
      item('role', 'admins', { rolcanlogin: false }),
      item('role', 'root', { rolcanlogin: true, rolsuper: true }),
      item('membership', 'alice in staff', { inherit_option: true }),
      item('membership', 'staff in readers', { inherit_option: true }),
      item('membership', 'alice in admins', { inherit_option: false }),
      item('privilege', 'readers on table db.public.orders', { privileges: ['SELECT'] }),
      item('privilege', 'alice on table db.public.notes', { privileges: ['INSERT', 'SELECT'] }),
      item('privilege', 'admins on schema db.public', { privileges: ['CREATE'] }),
      item('privilege', 'PUBLIC on database db', { privileges: ['CONNECT', 'TEMPORARY'] }),
    ]);
    expect(users.map((u) => u.name)).toEqual(['alice', 'root']);
    const alice = users[0];
    expect(alice?.roles).toEqual(['staff', 'admins (SET ROLE)', 'readers']);
    // Own grants first, then through roles, then PUBLIC's.
    expect(alice?.grants).toEqual([
      { object: 'table db.public.notes', privileges: ['INSERT', 'SELECT'], via: null },
      { object: 'schema db.public', privileges: ['CREATE'], via: 'admins (SET ROLE)' },
      { object: 'table db.public.orders', privileges: ['SELECT'], via: 'readers' },
      { object: 'database db', privileges: ['CONNECT', 'TEMPORARY'], via: 'PUBLIC' },
    ]);
    expect(users[1]?.notes[0]).toMatch(/superuser/);
  });

  it('MySQL/MariaDB: an account gets its global and database grants and those of its roles', () => {
    const users = accessPerUser('mysql', [
      item('user', 'app@%', { globalPrivileges: ['PROCESS'], defaultRole: 'reader' }),
      item('role', 'reader@', { isRole: true, globalPrivileges: [] }),
      item('privilege', 'app@% on role reader', { level: 'role', privileges: [] }),
      item('privilege', 'reader@ on shop.*', { level: 'database', privileges: ['SELECT'] }),
      item('privilege', 'app@% on shop.orders', { level: 'table', privileges: ['UPDATE'] }),
    ]);
    expect(users).toEqual([
      {
        name: 'app@%',
        roles: ['reader (default role)'],
        notes: [],
        grants: [
          { object: '*.*', privileges: ['PROCESS'], via: null },
          { object: 'shop.orders', privileges: ['UPDATE'], via: null },
          { object: 'shop.*', privileges: ['SELECT'], via: 'reader (default role)' },
        ],
      },
    ]);
  });

  it('Redis: each ACL user with its command, key and channel rules', () => {
    const [u] = accessPerUser('redis', [item('user', 'monitor', { enabled: true, noPassword: false, commands: ['-@all', '+info'], keyPatterns: [], channelPatterns: [], selectors: [], flags: [] })]);
    expect(u?.grants).toEqual([{ object: 'commands', privileges: ['-@all', '+info'], via: null }]);
  });

  it('MongoDB: a user’s built-in roles and the privileges of its custom roles, inherited ones included', () => {
    const users = accessPerUser('mongodb', [
      item('user', 'app@admin', { roles: [{ role: 'auditor', db: 'admin' }, { role: 'read', db: 'shop' }] }),
      item('role', 'auditor@admin', { privileges: [{ resource: { db: 'shop', collection: 'orders' }, actions: ['find'] }], roles: [{ role: 'clusterMonitor', db: 'admin' }] }),
    ]);
    expect(users[0]?.roles).toEqual(['auditor@admin', 'read@shop', 'clusterMonitor@admin']);
    expect(users[0]?.grants).toContainEqual({ object: 'shop.orders', privileges: ['find'], via: 'auditor@admin' });
    expect(users[0]?.grants).toContainEqual({ object: 'database shop', privileges: ['built-in role read'], via: 'read@shop' });
  });
});

describe('tables without a primary key', () => {
  it('are recognised from PostgreSQL’s and MySQL/MariaDB’s field names', () => {
    expect(lacksPrimaryKey(item('table', 'db.public.t', { has_primary_key: false }))).toBe(true);
    expect(lacksPrimaryKey(item('table', 'shop.events', { hasPrimaryKey: false }))).toBe(true);
    expect(lacksPrimaryKey(item('table', 'shop.orders', { hasPrimaryKey: true }))).toBe(false);
  });
});

// Issue 14: the numbers the Schema Explorer and the charts showed wrong.
describe('schema facts', () => {
  it('count only base tables as lacking a primary key, never views', () => {
    expect(lacksPrimaryKey(item('table', 'postgres.public.pg_stat_statements', { relkind: 'v', has_primary_key: false }))).toBe(false);
    expect(lacksPrimaryKey(item('table', 'logstag.mariadb_accounts', { type: 'VIEW', hasPrimaryKey: false }))).toBe(false);
    expect(lacksPrimaryKey(item('table', 'db.public.t', { relkind: 'r', has_primary_key: false }))).toBe(true);
    expect(lacksPrimaryKey(item('table', 'shop.events', { type: 'BASE TABLE', hasPrimaryKey: false }))).toBe(true);
  });

  it('read rows, size and engine from either engine, and no estimate as unknown rather than 0', () => {
    const mariadb: SchemaObject = { type: 'table', name: 'shop.events', definition: { type: 'BASE TABLE', engine: 'InnoDB' }, stats: { rowEstimate: 120, dataLength: 16384, indexLength: 16384 } };
    expect(tableFacts(mariadb)).toEqual({ rows: 120, totalBytes: 32768, engine: 'InnoDB' });
    const analyzed: SchemaObject = { type: 'table', name: 'db.public.t', definition: { relkind: 'r' }, stats: { estimated_rows: 100000, total_bytes: 4096 } };
    expect(tableFacts(analyzed)).toEqual({ rows: 100000, totalBytes: 4096, engine: null });
    for (const estimate of [null, -1]) {
      const never: SchemaObject = { type: 'table', name: 'db.public.t', definition: { relkind: 'r' }, stats: { estimated_rows: estimate, total_bytes: 4096 } };
      expect(tableFacts(never).rows).toBeNull();
    }
  });

  it('write MariaDB index columns as text, with prefix lengths and order', () => {
    expect(indexColumnsText([{ name: 'a', subPart: null, descending: false }, { name: 'b', subPart: 10, descending: true }])).toBe('(a, b(10) DESC)');
    expect(indexColumnsText(['a', 'b'])).toBe('(a, b)');
    expect(indexColumnsText([{ name: null, subPart: null, descending: false }])).toBe('((expression))');
  });

  it('name MariaDB as MariaDB though the agent reports it as the mysql engine', () => {
    expect(engineLabel('mysql', '10.11.19-MariaDB-0+deb12u1')).toBe('MariaDB');
    expect(engineLabel('mysql', '8.0.36')).toBe('MySQL');
    expect(engineLabel('postgresql', '15.18')).toBe('PostgreSQL');
  });
});

describe('the legend of a chart whose series are collected at different intervals', () => {
  it('shows each series\' newest value, not "—" for those absent from the last bucket', () => {
    const points: TimePoint[] = [
      { ts: new Date(Date.UTC(2026, 0, 1, 12, 0, 0)), values: { used: 5, threads: 4 } },
      { ts: new Date(Date.UTC(2026, 0, 1, 12, 0, 10)), values: { used: 6, threads: null } },
      { ts: new Date(Date.UTC(2026, 0, 1, 12, 0, 20)), values: { used: 7 } },
    ];
    const latest = latestValues(points, ['used', 'threads', 'never']);
    expect(latest?.values).toEqual({ used: 7, threads: 4 });
    expect(latest?.ts).toEqual(points[2]!.ts);
    expect(latestValues([], ['used'])).toBeUndefined();
  });
});

// Issue 14: the tooltip said "since statistics were reset" of a 4-hour-old count; it now says what the count covers.
it('an unused index says from when to when its scans were counted', () => {
  expect(unusedWindow({ scansAt: '2026-12-05T10:20:31.000Z', countingSince: '2026-11-25T16:00:00.000Z' })).toBe(
    'No scans since the statistics were reset at 2026-11-25 16:00 UTC, as counted at 2026-12-05 10:20 UTC',
  );
  expect(unusedWindow({ scansAt: '2026-12-05T10:20:31.000Z', countingSince: null })).toBe('No scans since the statistics were last reset or the server started, as counted at 2026-12-05 10:20 UTC');
});

// Issue 14: sequence and AUTO_INCREMENT headroom, collected and then dropped, is shown fullest first.
it('lists sequences and AUTO_INCREMENT tables by the share of their range used', () => {
  const rows = headroomRows([
    { type: 'sequence', name: 'shop.public.a_seq', definition: { max_value: '9223372036854775807' }, stats: { percent_used: 12.5, last_value: '268435455', effective_max: '2147483647', increment_by: '1', owned_by_table: 'a', owned_by_column: 'id', owned_by_column_type: 'integer' } },
    { type: 'sequence', name: 'shop.public.b_seq', definition: {}, stats: { percent_used: null, last_value: null, last_value_readable: false, increment_by: '10' } },
    { type: 'table', name: 'maria.events', definition: { type: 'BASE TABLE' }, stats: { autoIncrement: 100, autoIncrementMax: 127, autoIncrementPercent: 78.74 } },
    { type: 'table', name: 'maria.notes', definition: { type: 'BASE TABLE' }, stats: { rowEstimate: 3 } },
  ]);
  expect(rows.map((r) => [r.name, r.percentUsed, r.last, r.max])).toEqual([
    ['maria.events', 78.74, '100', '127'],
    ['shop.public.a_seq', 12.5, '268435455', '2147483647'],
    ['shop.public.b_seq', null, null, null],
  ]);
  expect(rows[1]!.detail).toBe('increment 1 feeds a.id (integer)');
});

// Issue 14: the home page's fleet overview.
describe('fleet overview', () => {
  const t = (id: string, health: string, throughput: number | null, ratio: number | null): FleetTarget => ({
    target: { targetId: id, engine: 'postgresql', version: null, agentId: null, tags: {}, status: 'ok', health: health as FleetTarget['target']['health'], lastSeen: null, lastPayloads: {}, errors: [] },
    connectionsUsed: null,
    connectionsMax: null,
    connectionsRatio: ratio,
    throughputPerSecond: throughput,
    throughputLabel: 'commits/s',
    cacheHitRatio: null,
    blockedSessions: null,
    replicationLagSeconds: null,
    slowestStatementMeanMs: null,
    sparkline: [],
    sparklines: { connections: [], cacheHit: [], slowestStatement: [], blocked: [], lag: [] },
  });
  const fleet = [t('b', 'healthy', 5, 0.5), t('a', 'stale', null, 0.9), t('c', 'failing', 20, null)];

  it('sorts by any column, targets without the value last either way', () => {
    expect(sortFleet(fleet, 'state', false).map((x) => x.target.targetId)).toEqual(['c', 'a', 'b']);
    expect(sortFleet(fleet, 'throughput', true).map((x) => x.target.targetId)).toEqual(['c', 'b', 'a']);
    expect(sortFleet(fleet, 'throughput', false).map((x) => x.target.targetId)).toEqual(['b', 'c', 'a']);
    expect(sortFleet(fleet, 'connections', true).map((x) => x.target.targetId)).toEqual(['a', 'b', 'c']);
  });

  it('calls the state what it is: reporting or not, not healthy', () => {
    expect(reportingLabel('healthy')).toBe('reporting');
    expect(reportingLabel('stale')).toBe('not reporting');
    expect(reportingLabel('failing')).toBe('failing');
  });

  it('draws a sparkline scaled to its largest value, split at gaps', () => {
    expect(sparkPaths([{ value: 0 }, { value: 10 }, { value: null }, { value: 5 }, { value: 10 }], 30, 12)).toEqual(['0.0,11.0 7.5,1.0', '22.5,6.0 30.0,1.0']);
    expect(sparkPaths([], 30, 12)).toEqual([]);
    // A ratio near 100 %: scaled from its lowest value, so a dip from 99.9 % to 95 % spans the whole height.
    expect(sparkPaths([{ value: 0.999 }, { value: 0.95 }, { value: 0.999 }], 20, 12, true)).toEqual(['0.0,1.0 10.0,11.0 20.0,1.0']);
  });

  it('shows a server version as its number', () => {
    expect(shortVersion('PostgreSQL 15.18 (Debian 15.18-0+deb12u1) on x86_64-pc-linux-gnu')).toBe('15.18');
    expect(shortVersion('10.11.19-MariaDB-0+deb12u1')).toBe('10.11.19');
    expect(shortVersion('7.0.15')).toBe('7.0.15');
    expect(shortVersion(null)).toBe('');
  });
});

// Issue 14: the Settings view's search and filters.
it('filters settings by name or value, and to the changed, restart-pending or non-default ones', () => {
  const s = (name: string, value: string, def: string | null, extra: Partial<{ changedAt: string; pendingRestart: boolean; isDefault: boolean }> = {}) => ({
    name, value, unit: null, default: def, source: 'configuration file', pendingRestart: false, isDefault: null, changedAt: null, ...extra,
  });
  const all = [s('fsync', 'off', 'on'), s('max_connections', '200', '100', { changedAt: '2026-12-05T10:00:00Z' }), s('shared_buffers', '16384', '16384', { pendingRestart: true, isDefault: true })];
  expect(filterSettings(all, 'FSY', 'all').map((x) => x.name)).toEqual(['fsync']);
  expect(filterSettings(all, 'off', 'all').map((x) => x.name)).toEqual(['fsync']);
  expect(filterSettings(all, '', 'changed').map((x) => x.name)).toEqual(['max_connections']);
  expect(filterSettings(all, '', 'restart').map((x) => x.name)).toEqual(['shared_buffers']);
  expect(filterSettings(all, '', 'notDefault').map((x) => x.name)).toEqual(['fsync', 'max_connections']);
});

