/**
 * Duplicate and redundant indexes, one rule for every engine, as pt-duplicate-key-checker defines it: an index whose
 * key parts (in order) are equal to, or a left prefix of, another index's on the same table or collection can go,
 * since the other serves every lookup it serves. Each engine describes its indexes as `IndexShape`s; what the rule
 * cannot compare safely (expression parts, partial filters whose values were removed) the engine marks `comparable:
 * false`, and such an index is never called redundant.
 */
export interface IndexShape {
  /** The table or collection: indexes are compared only within one. */
  group: string;
  name: string;
  /** Ordered key parts, each a string equal for equal parts (column or field, operator class, direction, prefix length). */
  parts: readonly string[];
  /** Everything else that must be equal for one index to serve another (access method, predicate, expressions…). */
  extra: string;
  /** Non-key columns stored in the index (PostgreSQL INCLUDE): the other index must store each of them too. */
  included: readonly string[];
  unique: boolean;
  /** The primary key (MySQL's clustering, PostgreSQL's constraint, MongoDB's `_id_`) is never redundant. */
  primary: boolean;
  /** Whether the access method serves left prefixes of its key (B-tree); others serve only their whole key. */
  prefixServes: boolean;
  comparable: boolean;
}

/** Whether `index` is redundant given `other` (the same group). */
export function redundantTo(index: IndexShape, other: IndexShape): boolean {
  if (index === other || index.primary || !index.comparable || !other.comparable) return false;
  if (index.group !== other.group || index.extra !== other.extra || index.parts.length > other.parts.length) return false;
  if (!index.parts.every((part, i) => part === other.parts[i])) return false;
  if (!index.included.every((column) => other.included.includes(column))) return false;
  const equal = index.parts.length === other.parts.length;
  if (!equal && !index.prefixServes) return false;
  // A unique index enforces a constraint that a longer or non-unique index does not: it is redundant only to an equal
  // unique index (or the primary key).
  return !index.unique || (equal && other.unique);
}

/**
 * For each index, the names of the others in its group that make it redundant (sorted; empty when none). Two equal
 * indexes list each other: either can go, not both.
 */
export function redundancy(shapes: readonly IndexShape[]): string[][] {
  const byGroup = new Map<string, IndexShape[]>();
  for (const s of shapes) {
    const members = byGroup.get(s.group);
    if (members) members.push(s);
    else byGroup.set(s.group, [s]);
  }
  return shapes.map((s) =>
    (byGroup.get(s.group) ?? [])
      .filter((other) => redundantTo(s, other))
      .map((other) => other.name)
      .sort(),
  );
}
