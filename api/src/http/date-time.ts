import { z } from 'zod';

/**
 * An instant sent in a query or body: ISO 8601 date-time with `Z` or an offset, read as a Date. Documented as
 * `{ type: string, format: date-time }`. (`z.coerce.date()` documented nothing, took `?at=1` for the year 2001, and
 * answered an unreadable value with "expected date, received Date".)
 */
export const dateTimeInput = z.iso
  .datetime({ offset: true, error: 'expected an ISO 8601 date-time with Z or an offset, e.g. 2026-01-31T12:00:00Z' })
  .transform((s) => new Date(s));
