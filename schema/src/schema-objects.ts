/**
 * How the Schema Explorer finds a table's (or collection's) own objects in a schema snapshot, from the dotted names the
 * agent reports: columns and constraints are named `<table>.<name>`; an index is named under the table's schema
 * (`db.schema.index`, MySQL/MariaDB `schema.table.index`) and names its table in its definition. Plain code, no
 * validation library: the web imports it at run time.
 */
export const CHILD_TYPES = ['column', 'index', 'constraint', 'foreign_key'] as const;

/** Whether an object of a snapshot belongs to `container` (its full name); `table` is the object's definition.table. */
export function isChildOf(container: string, o: { type: string; name: string; table?: unknown }): boolean {
  const prefix = `${container}.`;
  switch (o.type) {
    case 'column':
      return o.name.startsWith(prefix) && !o.name.slice(prefix.length).includes('.');
    case 'constraint':
    case 'foreign_key':
      return o.name.startsWith(prefix);
    case 'index': {
      const schemaPrefix = container.slice(0, container.lastIndexOf('.') + 1);
      return o.name.startsWith(schemaPrefix) && o.table === container.slice(schemaPrefix.length);
    }
    default:
      return false;
  }
}
