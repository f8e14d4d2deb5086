import { sql, type RawBuilder, type Transaction } from 'kysely';
import type { Database } from './database';

/** A column of a bulk insert: its name, its PostgreSQL type, and how a row gives its value. */
export interface BulkColumn<R> {
  name: string;
  type: 'text' | 'float8' | 'timestamptz' | 'jsonb' | 'uuid' | 'bool';
  value: (row: R) => string | number | boolean | null;
}

/** Rows per statement: bounds the size of one statement's arrays, not its parameters (one per column). */
const CHUNK = 5_000;

const NEEDS_ESCAPE = /["\\]/;
const ESCAPED = /["\\]/g;

/**
 * A column's values as a PostgreSQL array literal, the text pg would send for the JS array, without its per-element
 * type checks and two regular-expression replacements per string (about 5 % of the worker's time in a drain): numbers
 * and booleans bare, strings quoted, and escaped only when they hold a quote or a backslash.
 */
export function arrayLiteral(values: ReadonlyArray<string | number | boolean | null | undefined>): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) out += ',';
    const v = values[i];
    if (v === null || v === undefined) out += 'NULL';
    else if (typeof v === 'number') out += String(v);
    else if (typeof v === 'boolean') out += v ? 't' : 'f';
    else out += NEEDS_ESCAPE.test(v) ? `"${v.replace(ESCAPED, '\\$&')}"` : `"${v}"`;
  }
  return `${out}}`;
}

/** How a bulk insert meets rows that already exist. */
export interface BulkConflict {
  /** The ON CONFLICT clause. */
  onConflict: RawBuilder<unknown>;
  /**
   * For rows that exist only when a payload is stored again (the batch's own points, statistics and snapshots, keyed by
   * their collection time): a plain INSERT first, in a savepoint, and the statement with `onConflict` only when it
   * meets a row that exists (unique violation). ON CONFLICT probes the unique index for every row before inserting it
   * into that index: two descents of the tree per row, the largest single share of PostgreSQL's CPU when storing
   * (perf, bench:normalize-cost), for a conflict that almost never happens on these tables.
   */
  insertFirst?: boolean;
}

/**
 * INSERT … SELECT FROM unnest($1::text[], $2::float8[], …) ON CONFLICT …: one parameter per column, whatever the number
 * of rows. A VALUES list takes a parameter per cell: for a batch's ten thousand points and series that is kysely
 * building and compiling a node per cell, pg binding each, and PostgreSQL parsing and planning statements of 12,000
 * parameters, which together took most of a batch's time. Rows go in in the order given (the lock order).
 * Timestamps are given as ISO strings, JSON as text.
 */
export async function bulkInsert<R>(trx: Transaction<Database>, table: keyof Database, columns: Array<BulkColumn<R>>, rows: R[], conflict: RawBuilder<unknown> | BulkConflict): Promise<void> {
  const { onConflict, insertFirst = false } = 'onConflict' in conflict ? conflict : { onConflict: conflict };
  const names = sql.join(columns.map((c) => sql.ref(c.name)));
  for (let i = 0; i < rows.length; i += CHUNK) {
    const chunk = rows.slice(i, i + CHUNK);
    const arrays = columns.map((c) => sql`${arrayLiteral(chunk.map(c.value))}::${sql.raw(c.type)}[]`);
    const insert = sql`insert into ${sql.table(table)} (${names}) select * from unnest(${sql.join(arrays)}) as u(${names})`;
    if (!insertFirst) {
      await sql`${insert} ${onConflict}`.execute(trx);
      continue;
    }
    await sql`savepoint bulk_insert`.execute(trx);
    try {
      await insert.execute(trx);
    } catch (err) {
      if ((err as { code?: unknown }).code !== UNIQUE_VIOLATION) throw err;
      await sql`rollback to savepoint bulk_insert`.execute(trx);
      await sql`${insert} ${onConflict}`.execute(trx);
    }
    await sql`release savepoint bulk_insert`.execute(trx);
  }
}

const UNIQUE_VIOLATION = '23505';
