import * as z from 'zod/mini';
import { ERROR_CODES } from '../errors';

/** An instant as the API writes it: ISO 8601 in UTC, as `Date.prototype.toISOString()` gives it. */
export const isoTime = z.iso.datetime();

/** A keyset page: `nextCursor` is opaque and null on the last page. */
export function pageOf<T extends z.core.SomeType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.nullable(z.string()) });
}
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** The one error shape of every REST and ingest answer from 400 up. */
export const errorBodySchema = z.object({
  error: z.object({ code: z.enum(ERROR_CODES), message: z.string(), details: z.optional(z.unknown()) }),
});
