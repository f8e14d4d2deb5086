import type { ColumnType } from 'kysely';

/** timestamptz: written as Date or ISO string, read as Date. */
export type Timestamp = ColumnType<Date, Date | string, Date | string>;

/** timestamptz the database fills in (`default now()`): optional on insert, read as Date. */
export type GeneratedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
