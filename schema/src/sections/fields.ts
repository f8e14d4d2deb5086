import * as z from 'zod/mini';

/**
 * The building blocks of the payload sections. Every field is optional on the wire: a field an engine version does not
 * report, or that a later agent stops sending, leaves a payload valid, and the server reads what is there. Values a
 * server reports as SQL NULL are null. Shared instances: the schemas are built once, in a process (the agent) that
 * counts its heap.
 */
export const num = z.optional(z.nullable(z.number()));
export const text = z.optional(z.nullable(z.string()));
export const flag = z.optional(z.nullable(z.boolean()));
export const texts = z.optional(z.nullable(z.array(z.string())));
export const nums = z.optional(z.nullable(z.array(z.number())));
/** A structure copied from the server as it is (a command's shape, collection options, an index key). */
export const json = z.optional(z.unknown());
/** A number or text, as servers report settings and status values. */
export const scalar = z.nullable(z.union([z.number(), z.string(), z.boolean()]));
/** Name → value, for sections whose keys the server decides (INFO sections, status and system variables). */
export const values = z.record(z.string(), scalar);
export const numbers = z.record(z.string(), z.nullable(z.number()));
export const strings = z.record(z.string(), z.string());

/**
 * A row or object section: its fields typed exactly for the code that builds and reads it, while on the wire fields
 * it does not declare pass through unchanged (a newer agent's, a newer engine's), to be stored with the raw payload
 * and checked by the door like every other string. The declared fields are what collectors may write and extractors
 * read; `z.looseObject` alone would type every other key as `unknown` and let a misspelt field through.
 */
export function row<S extends z.core.$ZodLooseShape>(shape: S): z.ZodMiniObject<S, z.core.$strip> {
  return z.looseObject(shape) as unknown as z.ZodMiniObject<S, z.core.$strip>;
}

/**
 * A row of a counter section: the agent turns its counters into deltas and marks a row it had not seen before with
 * `newRow` (its values are counted from zero).
 */
export function counterRows<S extends z.core.$ZodLooseShape>(shape: S) {
  return z.array(row({ ...shape, newRow: flag }));
}

/** How to read the deltas of a collection's counter sections (agent/src/runner/collect-once.ts). */
export const deltaInfo = row({
  baseline: flag,
  baselineSections: texts,
  counterReset: flag,
  resetSections: texts,
  since: text,
  seconds: num,
});

/** A section of a category, as declared: its name is the payload key. */
export type SectionShape = z.core.$ZodLooseShape;
