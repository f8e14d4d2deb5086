import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '@logstag/store';
import { paginationQuery, toPage } from '../http/pagination';
import { requireTarget } from './databases.service';
import { decodeJsonCursor, isNonNegativeInt, resolveRange, targetParams, withRange } from './inputs';
import type { ExplorerRegistry } from './registry';
import { latestSnapshot, listChanges, type StoredItem } from '@logstag/store';
import { pageOf, schemaChangeSchema, schemaObjectsPageSchema, SNAPSHOT_KINDS } from '@logstag/schema/api';

const OBJECT_TYPES = ['database', 'schema', 'table', 'column', 'index', 'constraint', 'foreign_key', 'sequence', 'collection', 'key_pattern'] as const;
const isString = (v: unknown): v is string => typeof v === 'string';

/** Index flags: unused (no scans, not enforcing uniqueness), invalid, duplicate of another index. */
function indexFlags(item: StoredItem) {
  const s = item.stats ?? {};
  const duplicateOf = Array.isArray(s.duplicateOf) ? s.duplicateOf : [];
  return { unused: s.unused === true, invalid: s.invalid === true, duplicate: duplicateOf.length > 0, duplicateOf };
}

function page(items: StoredItem[], limit: number, cursor: string | undefined) {
  const after = decodeJsonCursor(cursor, isString);
  const sorted = items.slice().sort((a, b) => (a.type + a.name < b.type + b.name ? -1 : 1));
  const rest = after === undefined ? sorted : sorted.filter((i) => `${i.type}:${i.name}` > after);
  return toPage(rest.slice(0, limit + 1), limit, (i) => JSON.stringify(`${i.type}:${i.name}`), (i) => ({
    type: i.type,
    name: i.name,
    definition: i.def,
    stats: i.stats ?? null,
    ...(i.type === 'index' ? { flags: indexFlags(i) } : {}),
  }));
}

export function schemaRoutes(r: ExplorerRegistry, db: Kysely<Database>): void {
  r.get({
    path: '/api/explorer/schema/:targetId/objects',
    tag: 'Schema Explorer',
    summary: 'Databases, schemas, tables, columns, indexes (with unused/duplicate/invalid flags), collections, key patterns',
    params: targetParams,
    query: paginationQuery.extend({ type: z.enum(OBJECT_TYPES).optional(), flag: z.enum(['unused', 'duplicate', 'invalid']).optional() }),
    response: schemaObjectsPageSchema,
    handle: async ({ organizationId, params, query }) => {
      await requireTarget(db, organizationId, params.targetId);
      const snap = await latestSnapshot(db, organizationId, params.targetId, 'schema');
      let items = Object.values(snap?.items ?? {});
      if (query.type) items = items.filter((i) => i.type === query.type);
      if (query.flag) items = items.filter((i) => i.type === 'index' && indexFlags(i)[query.flag as 'unused']);
      return { snapshotTs: snap?.ts.toISOString() ?? null, ...page(items, query.limit, query.cursor) };
    },
  });

  r.get({
    path: '/api/explorer/schema/:targetId/permissions',
    tag: 'Schema Explorer',
    summary: 'Users, roles, memberships and privileges from the latest access snapshot',
    params: targetParams,
    query: paginationQuery.extend({ type: z.enum(['user', 'role', 'membership', 'privilege', 'setting']).optional() }),
    response: schemaObjectsPageSchema,
    handle: async ({ organizationId, params, query }) => {
      await requireTarget(db, organizationId, params.targetId);
      const snap = await latestSnapshot(db, organizationId, params.targetId, 'access');
      let items = Object.values(snap?.items ?? {});
      if (query.type) items = items.filter((i) => i.type === query.type);
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
