import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '@logstag/store';
import { paginationQuery, toPage } from '../http/pagination';
import { requireTarget } from './databases.service';
import { decodeJsonCursor, isNonNegativeInt, resolveRange, targetParams, withRange } from './inputs';
import type { ExplorerRegistry } from './registry';
import { lastChanges, latestSeriesValues, listChanges, type StoredItem } from '@logstag/store';
import { isChildOf } from '@logstag/schema/schema-objects';
import { SnapshotCache } from './snapshot-cache';
import { METRICS } from '@logstag/schema';
import { pageOf, schemaChangeSchema, schemaObjectsPageSchema, settingsViewSchema, SNAPSHOT_KINDS, type SettingView } from '@logstag/schema/api';

const OBJECT_TYPES = ['database', 'schema', 'table', 'column', 'index', 'constraint', 'foreign_key', 'sequence', 'collection', 'key_pattern'] as const;
const isString = (v: unknown): v is string => typeof v === 'string';
/**
 * Snapshot listings take up to 1,000 a page: the Schema Explorer reads every table and the whole access snapshot of a
 * large schema, and each page of tables re-reads their newest statistics.
 */
const snapshotPagination = paginationQuery.extend({ limit: z.coerce.number().int().min(1).max(1000).default(50) });

/** An index's newest scan count (PostgreSQL's index_usage, every 10 minutes), by the index's schema-snapshot name. */
interface FreshScans {
  scans: number;
  at: Date;
  countingSince: Date | null;
}

/**
 * The newest index scan counts of a target, by `database.schema.index` (the snapshot's index names), and what they
 * count from (the database's statistics reset). The schema snapshot is taken every 4 hours: its counts are older.
 */
async function freshIndexScans(db: Kysely<Database>, organizationId: string, targetId: string): Promise<Map<string, FreshScans>> {
  const rows = await latestSeriesValues(db, organizationId, targetId, ['index_usage.idx_scan', METRICS.statsResetAt.name]);
  const resets = new Map<string, Date | null>();
  for (const r of rows) if (r.metric === METRICS.statsResetAt.name) resets.set(r.labels.database ?? '', r.last_value > 0 ? new Date(r.last_value * 1000) : null);
  const out = new Map<string, FreshScans>();
  for (const r of rows) {
    if (r.metric !== 'index_usage.idx_scan') continue;
    const l = r.labels;
    out.set(`${l.datname}.${l.schema}.${l.name}`, { scans: r.last_value, at: r.last_ts, countingSince: resets.get(l.datname ?? '') ?? null });
  }
  return out;
}

/**
 * The index's item with its newest scan count: the fresh counters replace the snapshot's when they are newer, and an
 * index scanned since the snapshot is no longer unused (unique and primary indexes enforce something: never unused).
 */
function withFreshScans(item: StoredItem, snapshotTs: Date | undefined, fresh: ReadonlyMap<string, FreshScans>): StoredItem {
  const f = fresh.get(item.name);
  if (item.type !== 'index' || !f || (snapshotTs && f.at < snapshotTs)) return item;
  const enforcing = item.def?.primary === true || item.def?.unique === true;
  return { ...item, stats: { ...(item.stats ?? {}), scans: f.scans, unused: f.scans === 0 && !enforcing, scansAt: f.at.toISOString(), countingSince: f.countingSince?.toISOString() ?? null } };
}

/** The table_maintenance series (every 10 minutes) the Schema Explorer shows with each PostgreSQL table. */
const TABLE_ACTIVITY = { n_live_tup: 'liveTuples', n_dead_tup: 'deadTuples', seq_scan: 'seqScans', seq_tup_read: 'seqTuplesRead', idx_scan: 'indexScans' } as const;
/** When the table was last vacuumed and analyzed (epoch seconds, 0 for never), served as ISO times or null. */
const TABLE_MAINTENANCE_TIMES = { last_vacuum: 'lastVacuum', last_autovacuum: 'lastAutovacuum', last_analyze: 'lastAnalyze', last_autoanalyze: 'lastAutoanalyze' } as const;

/**
 * Each PostgreSQL table's newest activity, by `database.schema.table`: live and dead tuples, sequential scans and the
 * rows they read, index scans (cumulative since the statistics reset), and when they were read.
 */
async function freshTableActivity(db: Kysely<Database>, organizationId: string, targetId: string): Promise<Map<string, Record<string, number | string | null>>> {
  const fields = [...Object.keys(TABLE_ACTIVITY), ...Object.keys(TABLE_MAINTENANCE_TIMES)];
  const rows = await latestSeriesValues(db, organizationId, targetId, fields.map((f) => `table_maintenance.${f}`));
  const out = new Map<string, Record<string, number | string | null>>();
  for (const r of rows) {
    const l = r.labels;
    const key = `${l.datname}.${l.schema}.${l.table}`;
    const entry = out.get(key) ?? {};
    const field = r.metric.slice('table_maintenance.'.length);
    if (field in TABLE_MAINTENANCE_TIMES) {
      entry[TABLE_MAINTENANCE_TIMES[field as keyof typeof TABLE_MAINTENANCE_TIMES]] = r.last_value > 0 ? new Date(Math.round(r.last_value * 1000)).toISOString() : null;
      out.set(key, entry);
      continue;
    }
    entry[TABLE_ACTIVITY[field as keyof typeof TABLE_ACTIVITY]] = r.last_value;
    if (typeof entry.at !== 'string' || entry.at < r.last_ts.toISOString()) entry.at = r.last_ts.toISOString();
    out.set(key, entry);
  }
  return out;
}

/** Index flags: unused (no scans, not enforcing uniqueness), invalid, duplicate of another index, and the scans' window. */
function indexFlags(item: StoredItem, snapshotTs?: Date) {
  const s = item.stats ?? {};
  const duplicateOf = Array.isArray(s.duplicateOf) ? s.duplicateOf : [];
  const scansAt = typeof s.scansAt === 'string' ? s.scansAt : (snapshotTs?.toISOString() ?? null);
  const countingSince = typeof s.countingSince === 'string' ? s.countingSince : null;
  return { unused: s.unused === true, invalid: s.invalid === true, duplicate: duplicateOf.length > 0, duplicateOf, scansAt, countingSince };
}

/** One page of items already in `type:name` order (SnapshotCache keeps them so), after the cursor's item. */
function page(items: readonly StoredItem[], limit: number, cursor: string | undefined, snapshotTs?: Date) {
  const after = decodeJsonCursor(cursor, isString);
  const rest = after === undefined ? items : items.filter((i) => `${i.type}:${i.name}` > after);
  return toPage(rest.slice(0, limit + 1), limit, (i) => JSON.stringify(`${i.type}:${i.name}`), (i) => ({
    type: i.type,
    name: i.name,
    definition: i.def,
    stats: i.stats ?? null,
    ...(i.type === 'index' ? { flags: indexFlags(i, snapshotTs) } : {}),
  }));
}

const text = (v: unknown): string | null => (v === null || v === undefined ? null : typeof v === 'string' ? v : JSON.stringify(v));

/** A settings snapshot item as the Settings view shows it (PostgreSQL's pg_settings row, MySQL's variable value). */
function settingView(i: StoredItem, changedAt: Date | undefined): SettingView {
  const d = i.def ?? {};
  const s = i.stats ?? {};
  return {
    name: i.name,
    value: text(d.setting ?? d.value),
    unit: text(d.unit),
    default: text(s.boot_val),
    source: text(d.source),
    pendingRestart: d.pending_restart === true,
    isDefault: typeof s.is_default === 'boolean' ? s.is_default : null,
    changedAt: changedAt?.toISOString() ?? null,
  };
}

export function schemaRoutes(r: ExplorerRegistry, db: Kysely<Database>, snapshots = new SnapshotCache()): void {
  r.get({
    path: '/api/explorer/schema/:targetId/settings',
    tag: 'Schema Explorer',
    summary: 'Server settings and variables of the latest settings snapshot: value, default, source, pending restart, last change',
    params: targetParams,
    query: z.object({}),
    response: settingsViewSchema,
    handle: async ({ organizationId, params }) => {
      await requireTarget(db, organizationId, params.targetId);
      const [snap, changes] = await Promise.all([
        snapshots.latest(db, organizationId, params.targetId, 'settings'),
        lastChanges(db, organizationId, params.targetId, 'settings'),
      ]);
      // One type: `type:name` order is name order.
      const items = (snap?.byType.get('setting') ?? []).map((i) => settingView(i, changes.changed.get(i.name)));
      return { snapshotTs: snap?.ts.toISOString() ?? null, since: changes.firstSnapshot?.toISOString() ?? null, items };
    },
  });

  r.get({
    path: '/api/explorer/schema/:targetId/objects',
    tag: 'Schema Explorer',
    summary: 'Databases, schemas, tables, columns, indexes (with unused/duplicate/invalid flags), collections, key patterns',
    params: targetParams,
    query: snapshotPagination.extend({
      type: z.enum(OBJECT_TYPES).optional(),
      flag: z.enum(['unused', 'duplicate', 'invalid', 'any']).optional().describe('indexes with this flag (`any`: with at least one)'),
      of: z
        .string()
        .max(1000)
        .optional()
        .describe("a table's or collection's full name (`db.schema.table`): only its columns, indexes, constraints and foreign keys"),
      names: z
        .string()
        .max(2000)
        .optional()
        .describe('comma-separated names (`table`, `schema.table`): only objects whose name is one of them or ends with `.` and one of them, case-insensitively (the tables a statement names)'),
    }),
    response: schemaObjectsPageSchema,
    handle: async ({ organizationId, params, query }) => {
      await requireTarget(db, organizationId, params.targetId);
      const type = query.flag && !query.type ? 'index' : query.type;
      const wants = (t: string) => (type === undefined || type === t) && (query.of === undefined || t === 'index');
      const [snap, fresh, activity] = await Promise.all([
        snapshots.latest(db, organizationId, params.targetId, 'schema'),
        wants('index') ? freshIndexScans(db, organizationId, params.targetId) : new Map<string, FreshScans>(),
        wants('table') ? freshTableActivity(db, organizationId, params.targetId) : new Map<string, Record<string, number | string | null>>(),
      ]);
      // Narrowed on the parsed snapshot first, then the few left get their fresh statistics.
      let found: readonly StoredItem[] = !snap ? [] : type ? (snap.byType.get(type) ?? []) : snap.items;
      const of = query.of;
      if (of !== undefined) found = found.filter((i) => isChildOf(of, { type: i.type, name: i.name, table: i.def?.table }));
      if (query.names) {
        const names = query.names.split(',').map((n) => n.trim().toLowerCase()).filter((n) => n !== '');
        found = found.filter((i) => names.some((n) => i.name.toLowerCase() === n || i.name.toLowerCase().endsWith(`.${n}`)));
      }
      let items = found.map((i) => {
        const a = i.type === 'table' ? activity.get(i.name) : undefined;
        return a ? { ...i, stats: { ...(i.stats ?? {}), activity: a } } : withFreshScans(i, snap?.ts, fresh);
      });
      const flag = query.flag;
      if (flag) {
        items = items.filter((i) => {
          if (i.type !== 'index') return false;
          const f = indexFlags(i);
          return flag === 'any' ? f.unused || f.duplicate || f.invalid : f[flag];
        });
      }
      return { snapshotTs: snap?.ts.toISOString() ?? null, ...page(items, query.limit, query.cursor, snap?.ts) };
    },
  });

  r.get({
    path: '/api/explorer/schema/:targetId/permissions',
    tag: 'Schema Explorer',
    summary: 'Users, roles, memberships and privileges from the latest access snapshot',
    params: targetParams,
    query: snapshotPagination.extend({ type: z.enum(['user', 'role', 'membership', 'privilege', 'setting']).optional() }),
    response: schemaObjectsPageSchema,
    handle: async ({ organizationId, params, query }) => {
      await requireTarget(db, organizationId, params.targetId);
      // Settings are their own snapshot (the operational collection's settings and variables), not the access one:
      // read from there, `fsync=off` and a disabled binary log were never shown.
      const snap = await snapshots.latest(db, organizationId, params.targetId, query.type === 'setting' ? 'settings' : 'access');
      const items = !snap ? [] : query.type ? (snap.byType.get(query.type) ?? []) : snap.items;
      return { snapshotTs: snap?.ts.toISOString() ?? null, ...page(items, query.limit, query.cursor) };
    },
  });

  r.get({
    path: '/api/explorer/schema/:targetId/changes',
    tag: 'Schema Explorer',
    summary: 'Change timeline: added, removed and altered tables, columns, indexes, privileges and settings, newest first',
    params: targetParams,
    query: withRange({
      kind: z.enum(SNAPSHOT_KINDS).optional(),
      ...paginationQuery.shape,
    }),
    response: pageOf(schemaChangeSchema),
    handle: async ({ organizationId, params, query }) => {
      await requireTarget(db, organizationId, params.targetId);
      const range = resolveRange(query);
      const beforeId = decodeJsonCursor(query.cursor, isNonNegativeInt);
      const rows = await listChanges(db, { organizationId, targetId: params.targetId, kind: query.kind, ...range, beforeId }, query.limit + 1);
      return toPage(rows, query.limit, (c) => c.id, (c) => ({
        id: c.id,
        ts: c.ts.toISOString(),
        kind: c.kind,
        objectType: c.object_type,
        objectName: c.object_name,
        change: c.change,
        before: c.before,
        after: c.after,
      }));
    },
  });
}
