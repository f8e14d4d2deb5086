import type { SchemaObject, SnapshotPage } from '$lib/api';
import { apiFor, loadOr } from '$lib/server/api';
import { chooseTarget } from '$lib/server/target-choice';
import { rangeFrom } from '$lib/time-range';
import type { PageServerLoad } from './$types';

const TYPES = ['database', 'schema', 'table', 'collection', 'key_pattern', 'column', 'index', 'constraint', 'foreign_key', 'sequence'] as const;
/** 200 a page; 25 pages (5 000 objects per type) covers large schemas without an unbounded loop. */
const MAX_PAGES = 25;

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
    if (!target) return { targets, target: null, range, schema: null };
    const id = target.targetId;
    const [byType, permissions, changes] = await Promise.all([
      Promise.all(TYPES.map((t) => allPages((cursor) => api.schemaObjects(id, t, cursor)))),
      // Every item of the access snapshot: per-user privileges need all memberships and grants, not the first page.
      allPages((cursor) => api.permissions(id, cursor)),
      api.schemaChanges(id, range),
    ]);
    return {
      targets,
      target,
      range,
      selected: event.url.searchParams.get('object'),
      schema: {
        objects: byType.flatMap((r) => r.items),
        snapshotTs: byType.find((r) => r.snapshotTs)?.snapshotTs ?? null,
        truncated: byType.some((r) => r.truncated),
        permissions: permissions.items,
        permissionsTruncated: permissions.truncated,
        changes: changes.items,
      },
    };
  });
}) satisfies PageServerLoad;
