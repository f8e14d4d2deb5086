/**
 * Whether a zod schema accepts a value, answered without zod's parse. zod builds a copy of every object and array it
 * checks, and two small objects per field on the way (`{ value, issues: [] }`): for the agent's payload sections that
 * was a fifth of all it allocated (docs/benchmarks.md, "Session 7"), and the copy was thrown away, since the payload
 * keeps the collector's own objects. The check reads the schema's definition once and walks the value in place.
 *
 * It is sound for acceptance only: `true` means zod's `safeParse` succeeds on the value; `false` means it may not,
 * and then zod itself decides (and words the issues). Only what the payload sections are made of is understood:
 * objects (strict, stripping or loose with an `unknown` catchall), records with plain string keys, arrays, optional,
 * nullable, unions, strings, numbers, booleans and unknown, all without checks (a length limit, a format) or
 * coercion. A schema holding anything else has no check (`undefined`): its values always go to zod.
 */
import type * as z from 'zod/mini';

export type AcceptCheck = (value: unknown) => boolean;

interface ZodDef {
  type: string;
  checks?: readonly unknown[];
  /** A schema that is a check itself (z.int(), z.iso.datetime(), z.email()) names it and its format here. */
  check?: unknown;
  format?: unknown;
  pattern?: unknown;
  coerce?: boolean;
  innerType?: ZodSchema;
  element?: ZodSchema;
  shape?: Record<string, ZodSchema>;
  catchall?: ZodSchema;
  keyType?: ZodSchema;
  valueType?: ZodSchema;
  options?: readonly ZodSchema[];
  inclusive?: boolean;
  discriminator?: unknown;
  mode?: string;
}
interface ZodSchema {
  _zod: { def: ZodDef; optin?: string; optout?: string; values?: unknown; check?: unknown };
}

/** Compiled checks by schema; null for a schema the check does not understand. */
const compiled = new WeakMap<object, AcceptCheck | null>();

/** The check of `schema`, built once; undefined when the schema holds something it does not understand. */
export function acceptCheck(schema: z.ZodMiniType): AcceptCheck | undefined {
  return compile(schema as unknown as ZodSchema) ?? undefined;
}

function compile(schema: ZodSchema): AcceptCheck | null {
  const known = compiled.get(schema);
  if (known !== undefined) return known;
  // A schema may contain itself (a blocking tree's waiters): its own check is reachable through this forwarder while
  // it is being built. If building it fails, the forwarder answers false, which only ever sends a value to zod.
  const slot: { check?: AcceptCheck | null } = {};
  compiled.set(schema, (value) => (slot.check ? slot.check(value) : false));
  slot.check = plain(schema) ? build(schema._zod.def) : null;
  compiled.set(schema, slot.check);
  return slot.check;
}

/** No checks, no format, no coercion: the schema's type alone decides. */
function plain(schema: ZodSchema): boolean {
  const def = schema._zod.def;
  return (
    (def.checks === undefined || def.checks.length === 0) &&
    def.check === undefined &&
    def.format === undefined &&
    def.pattern === undefined &&
    def.coerce !== true &&
    schema._zod.check === undefined
  );
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** What zod's records take: an object whose prototype is Object's or none, with no constructor of its own. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (!isObject(value)) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  if (prototype !== Object.prototype && prototype !== null) return false;
  const ctor = (value as { constructor?: unknown }).constructor;
  return typeof ctor !== 'function' || ctor === Object;
}

function build(def: ZodDef): AcceptCheck | null {
  switch (def.type) {
    case 'unknown':
    case 'any':
      return () => true;
    case 'string':
      return (value) => typeof value === 'string';
    case 'number':
      return (value) => typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return (value) => typeof value === 'boolean';
    case 'optional': {
      // An optional around a default substitutes a value for undefined: not understood.
      if (!def.innerType || def.innerType._zod.optin === 'defaulted') return null;
      const inner = compile(def.innerType);
      return inner && ((value) => value === undefined || inner(value));
    }
    case 'nullable': {
      const inner = def.innerType && compile(def.innerType);
      return inner ? (value) => value === null || inner(value) : null;
    }
    case 'array': {
      const element = def.element && compile(def.element);
      if (!element) return null;
      return (value) => {
        if (!Array.isArray(value)) return false;
        for (let i = 0; i < value.length; i++) if (!element(value[i])) return false;
        return true;
      };
    }
    case 'union': {
      // An exclusive or discriminated union has rules of its own.
      if (!def.options || def.inclusive === false || def.discriminator !== undefined) return null;
      const options: AcceptCheck[] = [];
      for (const option of def.options) {
        const check = compile(option);
        if (!check) return null;
        options.push(check);
      }
      return (value) => {
        for (const option of options) if (option(value)) return true;
        return false;
      };
    }
    case 'object':
      return objectCheck(def);
    case 'record': {
      const key = def.keyType;
      // Any string key, as z.string() without checks takes (an enum or literal key type lists its keys: not understood).
      if (!key || key._zod.def.type !== 'string' || !plain(key) || key._zod.values !== undefined || def.mode !== undefined) return null;
      const values = def.valueType && compile(def.valueType);
      if (!values) return null;
      return (value) => {
        // zod reads every own enumerable key, symbols too (which a string key refuses).
        if (!isPlainObject(value) || Object.getOwnPropertySymbols(value).length > 0) return false;
        for (const name of Object.keys(value)) if (!values(value[name])) return false;
        return true;
      };
    }
    default:
      return null;
  }
}

function objectCheck(def: ZodDef): AcceptCheck | null {
  const shape = def.shape ?? {};
  const keys = Object.keys(shape);
  if (keys.includes('__proto__') || Object.getOwnPropertySymbols(shape).length > 0) return null;
  // Keys the shape does not declare: dropped (no catchall) or kept (an unknown catchall, z.looseObject) without a
  // word; any other catchall (a strict object's never) judges them: not understood.
  const catchall = def.catchall;
  if (catchall && !((catchall._zod.def.type === 'unknown' || catchall._zod.def.type === 'any') && plain(catchall))) return null;
  const fields: AcceptCheck[] = [];
  // An absent key (not `in` the value) is fine only for an optional field; z.unknown() takes undefined but not absence.
  const optional: boolean[] = [];
  for (const key of keys) {
    const check = compile(shape[key]!);
    if (!check) return null;
    fields.push(check);
    optional.push(shape[key]!._zod.optin === 'optional' && shape[key]!._zod.optout === 'optional');
  }
  return (value) => {
    if (!isObject(value)) return false;
    for (let i = 0; i < keys.length; i++) {
      const field = value[keys[i]!];
      if (field === undefined && !(keys[i]! in value)) {
        if (!optional[i]) return false;
      } else if (!fields[i]!(field)) return false;
    }
    return true;
  };
}
