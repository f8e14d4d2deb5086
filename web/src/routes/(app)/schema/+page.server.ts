import type { SchemaObject, SnapshotPage } from '$lib/api';
import { apiFor, loadOr } from '$lib/server/api';
import { chooseTarget } from '$lib/server/target-choice';
import { rangeFrom } from '$lib/time-range';
import type { PageServerLoad } from './$types';
import { findingObjects, headroomRows, isContainer, type FindingKind } from './tree';

type Findings = Record<FindingKind, { total: number; items: Array<{ name: string; table: string }> }>;

/**
 * What the tree, the findings and the headroom table need, whole. Columns, indexes and constraints are most of a
 * schema (a cluster of 47 databases: 484 tables, over 5,000 columns): only the selected table's are loaded, and the
 * flagged indexes for the findings.
 */
const TREE_TYPES = ['database', 'schema', 'table', 'collection', 'key_pattern', 'sequence'] as const;
/** Findings listed by name per kind (the rest are counted) and headroom rows shown, fullest first. */
const FINDINGS_SHOWN = 50;
const HEADROOM_SHOWN = 10;

/** What the tree needs of a table, collection or key pattern: its name, type and whether it lacks a primary key. */
function treeObject(o: SchemaObject): SchemaObject {
  const d = o.definition ?? {};
  const definition: Record<string, unknown> = {};
  for (const k of ['relkind', 'type', 'has_primary_key', 'hasPrimaryKey'] as const) if (d[k] !== undefined) definition[k] = d[k];
  return { type: o.type, name: o.name, definition, stats: null };
}

/** 1,000 a page; 5 pages (5 000 objects per type) covers large schemas without an unbounded loop. */
const MAX_PAGES = 5;

/** Every page of one snapshot listing, from the first cursor on, stopping after MAX_PAGES. */
async function allPages(fetchPage: (cursor?: string) => Promise<SnapshotPage<SchemaObject>>): Promise<{ items: SchemaObject[]; snapshotTs: string | null; truncated: boolean }> {
  const items: SchemaObject[] = [];
  let cursor: string | undefined;
  let snapshotTs: string | null = null;
  for (let i = 0; i < MAX_PAGES; i++) {
    const page = await fetchPage(cursor);
    snapshotTs = page.snapshotTs;
    items.push(...page.items);
    if (!page.nextCursor) return { items, snapshotTs, truncated: false };
    cursor = page.nextCursor;
  }
  return { items, snapshotTs, truncated: true };
}

export const load = (async (event) => {
  const api = apiFor(event);
  const range = rangeFrom(event.url, '7d');
  return loadOr(event.url, async () => {
    const { targets, target } = await chooseTarget(api, event.url);
    if (!target) return { targets, target: null, range, schema: null, access: null };
    const id = target.targetId;
    const selected = event.url.searchParams.get('object');
    // Streamed: the page paints its tree without waiting for the access snapshot, which on a cluster with many
    // databases is hundreds of privileges (and most of the page's markup); every item of it, since per-user
    // privileges need all memberships and grants, not the first page.
    const access = allPages((cursor) => api.permissions(id, cursor)).then(
      (r) => ({ items: r.items, truncated: r.truncated, failed: null }),
      (err: unknown) => ({ items: [], truncated: false, failed: err instanceof Error ? err.message : String(err) }),
    );
    const [byType, flagged, children, changes] = await Promise.all([
      Promise.all(TREE_TYPES.map((t) => allPages((cursor) => api.schemaObjects(id, t, cursor)))),
      allPages((cursor) => api.flaggedIndexes(id, cursor)),
      selected ? allPages((cursor) => api.schemaChildren(id, selected, cursor)) : null,
      api.schemaChanges(id, range),
    ]);
    const all = byType.flatMap((r) => r.items);
    const headroom = headroomRows(all);
    return {
      targets,
      target,
      range,
      selected,
      schema: {
        // The page gets what it shows, not the snapshot: the tree's objects trimmed to name and type, the findings and
        // headroom computed here (a 400-table schema was half a megabyte of page data), the selected object whole.
        objects: all.filter((o) => o.type === 'database' || o.type === 'schema' || isContainer(o)).map((o) => (isContainer(o) ? treeObject(o) : o)),
        selectedObject: all.find((o) => o.name === selected && isContainer(o)) ?? null,
        findings: Object.fromEntries(Object.entries(findingObjects([...all, ...flagged.items])).map(([k, list]) => [k, { total: list.length, items: list.slice(0, FINDINGS_SHOWN) }])) as Findings,
        headroom: { total: headroom.length, rows: headroom.slice(0, HEADROOM_SHOWN) },
        children: children?.items ?? [],
        snapshotTs: byType.find((r) => r.snapshotTs)?.snapshotTs ?? null,
        truncated: [...byType, flagged].some((r) => r.truncated) || (children?.truncated ?? false),
        changes: changes.items,
      },
      access,
    };
  });
}) satisfies PageServerLoad;
