import type { ColumnType } from 'kysely';

/** timestamptz: written as Date or ISO string, read as Date. */
export type Timestamp = ColumnType<Date, Date | string, Date | string>;

/** timestamptz the database fills in (`default now()`): optional on insert, read as Date. */
export type GeneratedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;

/** jsonb: written as JSON text (pg and PGlite would otherwise treat a JS array as a Postgres array), read parsed as T. */
export type Json<T = unknown> = ColumnType<T, string, string>;
