import { z } from 'zod';
import { unstorableTextMessage } from '@logstag/schema';
import { ApiError } from './api-error';

/** `?limit=&cursor=`: keyset pagination, stable while rows are added. The cursor is opaque to clients. */
export const paginationQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});
export type PaginationQuery = z.infer<typeof paginationQuery>;

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export function encodeCursor(value: string | number): string {
  return Buffer.from(String(value)).toString('base64url');
}

/** The value a cursor carries; a 400 when it decodes to text no cursor of this API holds (NUL reached the store as a 500). */
export function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  const value = Buffer.from(cursor, 'base64url').toString('utf8');
  if (unstorableTextMessage(value)) throw new ApiError(400, 'validation_failed', 'cursor is not one this API issued');
  return value;
}

/** Rows fetched with `limit + 1`: the extra row only says whether there is a next page. */
export function toPage<R, T>(rows: R[], limit: number, key: (row: R) => string | number, map: (row: R) => T): Page<T> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items: items.map(map), nextCursor: rows.length > limit && last !== undefined ? encodeCursor(key(last)) : null };
}
