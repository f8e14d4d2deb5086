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

/** Columns and indexes of one container; indexes name their table in `definition.table`. */
export function detailsOf(container: SchemaObject, objects: readonly SchemaObject[]) {
  const prefix = `${container.name}.`;
  const schemaPrefix = container.name.slice(0, container.name.lastIndexOf('.') + 1);
  const tableName = container.name.slice(schemaPrefix.length);
  return {
    columns: objects.filter((o) => o.type === 'column' && o.name.startsWith(prefix) && !o.name.slice(prefix.length).includes('.')).sort(
      (a, b) => Number(a.definition?.position ?? 0) - Number(b.definition?.position ?? 0),
    ),
    indexes: objects.filter((o) => o.type === 'index' && o.name.startsWith(schemaPrefix) && o.definition?.table === tableName),
    constraints: objects.filter((o) => (o.type === 'constraint' || o.type === 'foreign_key') && o.name.startsWith(prefix)),
  };
}

/** PostgreSQL reports `has_primary_key`, MySQL/MariaDB `hasPrimaryKey`. */
export function lacksPrimaryKey(o: SchemaObject): boolean {
  return o.type === 'table' && (o.definition?.has_primary_key === false || o.definition?.hasPrimaryKey === false);
}
