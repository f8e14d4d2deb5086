import { z } from 'zod';
import { unstorableTextMessage } from '@logstag/schema';
import { ApiError } from '../http/api-error';
import { dateTimeInput } from '../http/date-time';
import { paginationQuery } from '../http/pagination';

/** Names chosen by customers (target ids): the same rule as the payload schema. */
export const targetParams = z.object({ targetId: z.string().min(1).max(128).regex(/^[\p{L}\p{N}._:@/ -]+$/u, 'not a target id') });

const HOUR = 3_600_000;
const MAX_RANGE_MS = 31 * 24 * HOUR;

export const rangeFields = {
  from: dateTimeInput.optional().describe('start (ISO 8601); default: `to` minus one hour'),
  to: dateTimeInput.optional().describe('end (ISO 8601); default: now'),
};

/** `from`/`to` with their defaults (the last hour). */
export function resolveRange(q: { from?: Date | undefined; to?: Date | undefined }): { from: Date; to: Date } {
  const to = q.to ?? new Date();
  return { from: q.from ?? new Date(to.getTime() - HOUR), to };
}

const isDateOrAbsent = (v: unknown) => v === undefined || v instanceof Date;

/**
 * The range of a query whose `from` and `to` parsed, for refinements: zod runs an object's refinements even when one
 * of its fields failed, and that field then still holds the text sent (`?to=` is ''), not a Date.
 */
export function parsedRange(q: { from?: unknown; to?: unknown }): { from: Date; to: Date } | undefined {
  return isDateOrAbsent(q.from) && isDateOrAbsent(q.to) ? resolveRange(q as { from?: Date; to?: Date }) : undefined;
}

/** A query schema with a range: from before to, at most 31 days. */
export function withRange<S extends z.ZodRawShape>(shape: S) {
  return z.object({ ...rangeFields, ...shape }).superRefine((q, ctx) => {
    const range = parsedRange(q);
    if (!range) return;
    const { from, to } = range;
    if (from >= to) ctx.addIssue({ code: 'custom', path: ['from'], message: 'from must be before to' });
    else if (to.getTime() - from.getTime() > MAX_RANGE_MS) ctx.addIssue({ code: 'custom', path: ['from'], message: 'the range may span at most 31 days' });
  });
}

export const stepField = z.coerce.number().int().min(10).max(86_400).optional().describe('bucket width in seconds; default: range / 300');
export const atField = dateTimeInput.optional().describe('time point (ISO 8601); default: now');
export { paginationQuery };

/** The opaque cursor for a JSON value (base64url), read back by decodeJsonCursor. */
export function encodeJsonCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** A cursor this API issued (base64url JSON); anything else is a 400, never a 500. */
export function decodeJsonCursor<T>(cursor: string | undefined, valid: (v: unknown) => v is T): T | undefined {
  if (cursor === undefined) return undefined;
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    // Strings with NUL or lone surrogates were never issued, and the store cannot compare against them.
    const texts: unknown[] = Array.isArray(v) ? v : [v];
    if (valid(v) && !texts.some((x) => typeof x === 'string' && unstorableTextMessage(x))) return v;
  } catch {
    // reported below
  }
  throw new ApiError(400, 'validation_failed', 'cursor is not one this API issued');
}

export const isStringPair = (v: unknown): v is [string, string] => Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'string');
export const isNonNegativeInt = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
