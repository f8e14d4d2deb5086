/**
 * The shape of a MongoDB command, filter or pipeline: every value becomes '?', keys and operators stay. currentOp and
 * the profiler report whole commands, and their values are application data (`{ email: 'a@b.c' }`); the shape
 * (`{ email: '?' }`, `{ age: { $gt: '?' } }`) is what identifies the query without revealing anything.
 *
 * - Objects keep their keys (field names and `$operators`), values are shaped recursively.
 * - Arrays of values (`$in: [1, 2, 3]`) collapse to `['?']`; arrays of documents (`$and`, pipelines) keep each distinct
 *   shape once, in order, so `$or: [{a: 1}, {a: 2}]` reads `[{a: '?'}]` and a pipeline keeps all its stages.
 * - BSON values (ObjectId, Date, Long, Decimal128, Binary, RegExp, Buffer) are values: '?'.
 * - Below `depth` levels anything left becomes '?', which also ends cycles.
 */
export function shapeOfDocument(doc: unknown, depth = 12): unknown {
  if (depth <= 0) return '?';
  if (Array.isArray(doc)) return shapeOfArray(doc, depth);
  if (isPlainDocument(doc)) {
    const shaped: Record<string, unknown> = {};
    let keys = 0;
    for (const [key, value] of Object.entries(doc)) {
      // A document with thousands of keys (an insert of a wide document) would make a huge payload; the first keys
      // already identify it.
      if (++keys > MAX_KEYS) {
        shaped['…'] = '?';
        break;
      }
      shaped[key] = shapeOfDocument(value, depth - 1);
    }
    return shaped;
  }
  return '?';
}

const MAX_KEYS = 100;
const MAX_ARRAY_SHAPES = 20;

function shapeOfArray(items: unknown[], depth: number): unknown[] {
  const shapes: unknown[] = [];
  const seen = new Set<string>();
  for (const item of items) {
    const shape = shapeOfDocument(item, depth - 1);
    const signature = JSON.stringify(shape);
    if (seen.has(signature)) continue;
    seen.add(signature);
    shapes.push(shape);
    if (shapes.length >= MAX_ARRAY_SHAPES) break;
  }
  return shapes;
}

/**
 * A document is an object whose prototype is Object's or null. BSON classes (ObjectId, Long, …) carry `_bsontype` and
 * have their own prototypes; Date, RegExp, Buffer and typed arrays are class instances too: all of those are values.
 */
function isPlainDocument(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  if ('_bsontype' in value) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
