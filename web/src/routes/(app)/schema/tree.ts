import { isChildOf } from '@logstag/schema/schema-objects';
import type { SchemaObject } from '$lib/api';

/** Containers of the tree: tables (SQL), collections (MongoDB) and key patterns (Redis). */
export const CONTAINER_TYPES = ['table', 'collection', 'key_pattern'] as const;

export const isContainer = (o: SchemaObject): boolean => (CONTAINER_TYPES as readonly string[]).includes(o.type);

export interface SchemaNode {
  name: string;
  label: string;
  containers: SchemaObject[];
}

export interface DatabaseNode {
  name: string;
  schemas: SchemaNode[];
  /** Containers not under any schema (MongoDB collections, Redis key patterns). */
  containers: SchemaObject[];
}

const after = (name: string, prefix: string) => name.slice(prefix.length + 1);

/**
 * databases → schemas → tables from the dotted names the agent reports (`db.schema.table`). Children are matched by
 * the longest parent prefix, so dots inside names do not misplace them.
 */
export function buildTree(objects: readonly SchemaObject[]): DatabaseNode[] {
  const schemas = objects.filter((o) => o.type === 'schema');
  const containers = objects.filter(isContainer);
  const dbNames = new Set<string>(objects.filter((o) => o.type === 'database').map((o) => o.name));
  for (const s of schemas) dbNames.add(s.name.split('.')[0] ?? s.name);
  const parentSchema = (c: SchemaObject) =>
    schemas.filter((s) => c.name.startsWith(`${s.name}.`)).sort((a, b) => b.name.length - a.name.length)[0];
  const loose = containers.filter((c) => !parentSchema(c));
  for (const c of loose) dbNames.add(c.name.includes('.') ? (c.name.split('.')[0] ?? '') : '(default)');
  return [...dbNames].sort().map((db) => ({
    name: db,
    schemas: schemas
      .filter((s) => s.name.startsWith(`${db}.`))
      .map((s) => ({ name: s.name, label: after(s.name, db), containers: containers.filter((c) => parentSchema(c) === s) }))
      .sort((a, b) => a.label.localeCompare(b.label)),
    containers: loose.filter((c) => (c.name.includes('.') ? c.name.startsWith(`${db}.`) : db === '(default)')),
  }));
}

/** Columns, indexes and constraints of one container, whichever objects are passed (the page loads only its own). */
export function detailsOf(container: SchemaObject, objects: readonly SchemaObject[]) {
  const own = objects.filter((o) => isChildOf(container.name, { type: o.type, name: o.name, table: o.definition?.table }));
  return {
    columns: own.filter((o) => o.type === 'column').sort((a, b) => Number(a.definition?.position ?? 0) - Number(b.definition?.position ?? 0)),
    indexes: own.filter((o) => o.type === 'index'),
    constraints: own.filter((o) => o.type === 'constraint' || o.type === 'foreign_key'),
  };
}

/**
 * A base table: PostgreSQL's relkind r (ordinary) or p (partitioned), MySQL/MariaDB's BASE TABLE. Views, materialized
 * views and foreign tables are listed with the tables but have no rows of their own to key.
 */
export function isBaseTable(o: SchemaObject): boolean {
  if (o.type !== 'table') return false;
  const relkind = o.definition?.relkind;
  if (typeof relkind === 'string') return relkind === 'r' || relkind === 'p';
  const type = o.definition?.type;
  if (typeof type === 'string') return type === 'BASE TABLE';
  return true;
}

/** PostgreSQL reports `has_primary_key`, MySQL/MariaDB `hasPrimaryKey`; only a base table can lack one. */
export function lacksPrimaryKey(o: SchemaObject): boolean {
  return isBaseTable(o) && (o.definition?.has_primary_key === false || o.definition?.hasPrimaryKey === false);
}

const numberOr = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : null);

/**
 * A table's size, row estimate and storage engine, whichever engine reported it: PostgreSQL's estimated_rows and
 * total_bytes, MySQL/MariaDB's rowEstimate and data + index length, and engine. Rows are null without an estimate
 * (PostgreSQL before the first ANALYZE reports -1 or nothing): "~0 rows" was shown for a 100,000-row table.
 */
export function tableFacts(o: SchemaObject): { rows: number | null; totalBytes: number | null; engine: string | null } {
  const stats = o.stats ?? {};
  const rawRows = numberOr(stats.estimated_rows ?? stats.rowEstimate);
  const rows = rawRows !== null && rawRows >= 0 ? rawRows : null;
  let totalBytes = numberOr(stats.total_bytes);
  if (totalBytes === null) {
    const data = numberOr(stats.dataLength);
    const index = numberOr(stats.indexLength);
    totalBytes = data === null && index === null ? null : (data ?? 0) + (index ?? 0);
  }
  const engine = typeof o.definition?.engine === 'string' ? o.definition.engine : null;
  return { rows, totalBytes, engine };
}

/**
 * An index's columns as text: PostgreSQL sends the definition itself; MySQL/MariaDB a list of
 * `{ name, subPart, descending }` (name null for an expression part), which rendered as "([object Object])".
 */
export function indexColumnsText(columns: unknown): string {
  if (!Array.isArray(columns)) return '';
  const part = (c: unknown): string => {
    if (typeof c === 'string') return c;
    if (c === null || typeof c !== 'object') return String(c);
    const r = c as { name?: unknown; subPart?: unknown; descending?: unknown };
    const name = typeof r.name === 'string' ? r.name : '(expression)';
    const prefix = typeof r.subPart === 'number' ? `(${r.subPart})` : '';
    return `${name}${prefix}${r.descending === true ? ' DESC' : ''}`;
  };
  return `(${columns.map(part).join(', ')})`;
}

const minute = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`;

/**
 * What an "unused" flag covers: no scans counted from the statistics' last reset (or, when unknown, the server's
 * start) up to when the count was read, the newest 10-minute counters or the schema snapshot.
 */
export function unusedWindow(flags: { scansAt?: string | null | undefined; countingSince?: string | null | undefined }): string {
  const from = flags.countingSince ? `since the statistics were reset at ${minute(flags.countingSince)}` : 'since the statistics were last reset or the server started';
  return flags.scansAt ? `No scans ${from}, as counted at ${minute(flags.scansAt)}` : `No scans ${from}`;
}

export interface HeadroomRow {
  name: string;
  kind: 'sequence' | 'auto_increment';
  /** Share of the range used, 0–100; null when the value could not be read. */
  percentUsed: number | null;
  last: string | null;
  max: string | null;
  /** For a sequence: what it counts by and which column it feeds. */
  detail: string;
}

const textOf = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

/**
 * Sequences (PostgreSQL) and AUTO_INCREMENT tables (MySQL/MariaDB) with how much of their range is used, fullest
 * first: an integer key running out stops every insert.
 */
export function headroomRows(objects: readonly SchemaObject[]): HeadroomRow[] {
  const rows: HeadroomRow[] = [];
  for (const o of objects) {
    const s = o.stats ?? {};
    if (o.type === 'sequence') {
      const column = s.owned_by_table ? ` feeds ${String(s.owned_by_table)}.${String(s.owned_by_column)} (${String(s.owned_by_column_type)})` : '';
      rows.push({
        name: o.name,
        kind: 'sequence',
        percentUsed: numberOr(s.percent_used),
        last: s.last_value_readable === false ? null : textOf(s.last_value),
        max: textOf(s.effective_max ?? o.definition?.max_value),
        detail: `increment ${textOf(s.increment_by) ?? '?'}${column}`,
      });
    } else if (o.type === 'table' && s.autoIncrement !== undefined) {
      rows.push({ name: o.name, kind: 'auto_increment', percentUsed: numberOr(s.autoIncrementPercent), last: textOf(s.autoIncrement), max: textOf(s.autoIncrementMax), detail: 'AUTO_INCREMENT' });
    }
  }
  return rows.sort((a, b) => (b.percentUsed ?? -1) - (a.percentUsed ?? -1) || a.name.localeCompare(b.name));
}

export interface TableActivity {
  liveTuples: number | null;
  deadTuples: number | null;
  seqScans: number | null;
  seqTuplesRead: number | null;
  indexScans: number | null;
  at: string | null;
  /** When last vacuumed and analyzed, by hand or by autovacuum: ISO time, null for never, undefined when not collected. */
  lastVacuum?: string | null;
  lastAutovacuum?: string | null;
  lastAnalyze?: string | null;
  lastAutoanalyze?: string | null;
}

/** A PostgreSQL table's newest statistics (the API's `stats.activity`), undefined when the target sends none. */
export function tableActivity(o: SchemaObject): TableActivity | undefined {
  const a = o.stats?.activity;
  if (a === null || typeof a !== 'object') return undefined;
  const r = a as Record<string, unknown>;
  return {
    liveTuples: numberOr(r.liveTuples),
    deadTuples: numberOr(r.deadTuples),
    seqScans: numberOr(r.seqScans),
    seqTuplesRead: numberOr(r.seqTuplesRead),
    indexScans: numberOr(r.indexScans),
    at: typeof r.at === 'string' ? r.at : null,
    lastVacuum: maintenanceTime(r.lastVacuum),
    lastAutovacuum: maintenanceTime(r.lastAutovacuum),
    lastAnalyze: maintenanceTime(r.lastAnalyze),
    lastAutoanalyze: maintenanceTime(r.lastAutoanalyze),
  };
}

/** An ISO time, null for never, undefined when the API sent none (collected before, or another engine). */
const maintenanceTime = (v: unknown): string | null | undefined => (typeof v === 'string' || v === null ? v : undefined);

/** The later of two maintenance times (manual and automatic), null when neither ran, undefined when not collected. */
export function latestOf(a: string | null | undefined, b: string | null | undefined): string | null | undefined {
  if (a === undefined && b === undefined) return undefined;
  if (!a) return b ?? null;
  if (!b) return a;
  return a > b ? a : b;
}

/**
 * A PostgreSQL table's own autovacuum settings (reloptions autovacuum_* and toast.autovacuum_*), which override the
 * server's; empty when it follows them. `autovacuum_enabled=false` is the classic cause of bloat.
 */
export function autovacuumSettings(o: SchemaObject): { settings: string[]; disabled: boolean } {
  const options = Array.isArray(o.definition?.reloptions) ? (o.definition.reloptions as unknown[]).map(String) : [];
  const settings = options.filter((x) => /^(toast\.)?autovacuum_/i.test(x));
  return { settings, disabled: settings.some((x) => /^(toast\.)?autovacuum_enabled=(false|off|0|no)$/i.test(x)) };
}

export type FindingKind = 'noPk' | 'unused' | 'duplicate' | 'invalid';

/**
 * The objects behind each schema finding, each with the table to open in the explorer: a table without a primary key
 * is itself; an index opens its table (PostgreSQL names an index `db.schema.index` and its table in definition.table,
 * MySQL/MariaDB `schema.table.index`).
 */
export function findingObjects(objects: readonly SchemaObject[]): Record<FindingKind, Array<{ name: string; table: string }>> {
  const tableOf = (index: SchemaObject): string => {
    const prefix = index.name.slice(0, index.name.lastIndexOf('.'));
    const table = typeof index.definition?.table === 'string' ? index.definition.table : '';
    return !table || prefix === table || prefix.endsWith(`.${table}`) ? prefix : `${prefix}.${table}`;
  };
  const indexes = (flag: 'unused' | 'duplicate' | 'invalid') => objects.filter((o) => o.type === 'index' && o.flags?.[flag]).map((o) => ({ name: o.name, table: tableOf(o) }));
  return {
    noPk: objects.filter(lacksPrimaryKey).map((o) => ({ name: o.name, table: o.name })),
    unused: indexes('unused'),
    duplicate: indexes('duplicate'),
    invalid: indexes('invalid'),
  };
}
