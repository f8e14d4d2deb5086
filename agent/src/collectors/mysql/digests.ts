import { namesSql } from '../databases-filter';
import type { TargetSpec } from '../types';
import type { MysqlConn } from './connection';
import type { SchemaScope } from './schema-filter';
import { num, statementText, str } from './text';

/**
 * Per-statement-shape totals since the server started (or the table was truncated): sent as deltas keyed by
 * (schema_name, digest). Timers are picoseconds, so they are divided down to microseconds in SQL before they could
 * exceed 2^53 in JavaScript. DIGEST_TEXT is already normalized by the server, and obfuscated again here so a
 * `query_text: off` target sends none. Top 2000 by total time keeps the payload bounded.
 * https://mariadb.com/kb/en/performance-schema-events_statements_summary_by_digest-table/
 * https://dev.mysql.com/doc/refman/8.0/en/performance-schema-statement-summary-tables.html
 */
export const digestsSql = `SELECT SCHEMA_NAME AS schema_name, DIGEST AS digest, DIGEST_TEXT AS digest_text,
    COUNT_STAR AS calls, ROUND(SUM_TIMER_WAIT / 1000000) AS total_time_us, ROUND(SUM_LOCK_TIME / 1000000) AS lock_time_us,
    SUM_ERRORS AS errors, SUM_WARNINGS AS warnings, SUM_ROWS_AFFECTED AS rows_affected, SUM_ROWS_SENT AS rows_sent,
    SUM_ROWS_EXAMINED AS rows_examined, SUM_CREATED_TMP_TABLES AS tmp_tables, SUM_CREATED_TMP_DISK_TABLES AS tmp_disk_tables,
    SUM_SELECT_FULL_JOIN AS full_joins, SUM_SELECT_SCAN AS full_scans, SUM_SORT_ROWS AS sort_rows,
    SUM_NO_INDEX_USED AS no_index_used, ROUND(MAX_TIMER_WAIT / 1000000) AS max_time_us, FIRST_SEEN AS first_seen,
    LAST_SEEN AS last_seen
  FROM performance_schema.events_statements_summary_by_digest
  WHERE DIGEST IS NOT NULL
  ORDER BY SUM_TIMER_WAIT DESC
  LIMIT 2000`;

export const DIGEST_COUNTERS = [
  'calls', 'totalTimeUs', 'lockTimeUs', 'errors', 'warnings', 'rowsAffected', 'rowsSent', 'rowsExamined', 'tmpTables',
  'tmpDiskTables', 'fullJoins', 'fullScans', 'sortRows', 'noIndexUsed',
] as const;
export const DIGEST_KEY = ['schemaName', 'digest'] as const;

export type DigestRow = {
  schemaName: string | null;
  digest: string;
  digestText: string | null;
  maxTimeUs: number | null;
  firstSeen: string | null;
  lastSeen: string | null;
} & Record<(typeof DIGEST_COUNTERS)[number], number>;

/** The digests of the target's schemas (`SCHEMA_NAME`; see SchemaScope), the top 2,000 of them by total time. */
export async function collectDigests(conn: MysqlConn, target: TargetSpec, inScope: SchemaScope): Promise<DigestRow[]> {
  const scope = digestScope(target.databases);
  const rows = await conn.query(scoped(digestsSql, scope), scope.params);
  return rows.filter((r) => inScope(str(r['schema_name']))).map((r) => digestRow(r, statementText(target, r['digest_text'])));
}

interface DigestScope {
  sql: string;
  params: string[];
}

/**
 * The server's share of the schema filter: with an include list, only rows of those schemas (namesSql) or of none, so
 * five targets on one server each read their own rows and not all five's. A superset of what the SchemaScope keeps (the
 * server may ignore case where the schema's name does not; exclusions are left to the SchemaScope for the same reason),
 * which decides. Names go as parameters.
 */
export function digestScope(databases: TargetSpec['databases']): DigestScope {
  if (databases.include.length === 0) return { sql: '', params: [] };
  const names = namesSql('SCHEMA_NAME', databases.include);
  return { sql: ` AND (SCHEMA_NAME IS NULL OR ${names.sql})`, params: names.params };
}

/** A digest statement with the scope's condition after its `WHERE DIGEST IS NOT NULL` (its parameters come first). */
const scoped = (sql: string, scope: DigestScope) => (scope.sql === '' ? sql : sql.replace('WHERE DIGEST IS NOT NULL', `WHERE DIGEST IS NOT NULL${scope.sql}`));


function digestRow(r: Record<string, unknown>, digestText: string | null): DigestRow {
  return {
    schemaName: str(r['schema_name']),
    digest: String(r['digest']),
    digestText,
    calls: num(r['calls']) ?? 0,
    totalTimeUs: num(r['total_time_us']) ?? 0,
    lockTimeUs: num(r['lock_time_us']) ?? 0,
    errors: num(r['errors']) ?? 0,
    warnings: num(r['warnings']) ?? 0,
    rowsAffected: num(r['rows_affected']) ?? 0,
    rowsSent: num(r['rows_sent']) ?? 0,
    rowsExamined: num(r['rows_examined']) ?? 0,
    tmpTables: num(r['tmp_tables']) ?? 0,
    tmpDiskTables: num(r['tmp_disk_tables']) ?? 0,
    fullJoins: num(r['full_joins']) ?? 0,
    fullScans: num(r['full_scans']) ?? 0,
    sortRows: num(r['sort_rows']) ?? 0,
    noIndexUsed: num(r['no_index_used']) ?? 0,
    maxTimeUs: num(r['max_time_us']),
    firstSeen: str(r['first_seen']),
    lastSeen: str(r['last_seen']),
  };
}

/** The digest columns without DIGEST_TEXT. */
const countersSql = digestsSql.replace('DIGEST_TEXT AS digest_text,\n    ', '');
/** The same, of the rows whose LAST_SEEN is at or after `?` (Unix seconds). */
const movedDigestsSql = countersSql.replace('WHERE DIGEST IS NOT NULL', 'WHERE DIGEST IS NOT NULL AND UNIX_TIMESTAMP(LAST_SEEN) >= ?');

/**
 * The server's clock (Unix seconds, as LAST_SEEN and FIRST_SEEN are compared) and how many digest rows were first seen
 * before `?` (the previous read's clock) and before now. Rows are never created with a past FIRST_SEEN, so the first
 * count only falls when rows were removed: TRUNCATE of the table, FLUSH, a server restart.
 */
const digestClockSql = `SELECT UNIX_TIMESTAMP() AS now,
    COALESCE(SUM(UNIX_TIMESTAMP(FIRST_SEEN) < ?), 0) AS kept, COALESCE(SUM(UNIX_TIMESTAMP(FIRST_SEEN) < UNIX_TIMESTAMP()), 0) AS older
  FROM performance_schema.events_statements_summary_by_digest
  WHERE DIGEST IS NOT NULL`;

const textsSql = (n: number) => `SELECT SCHEMA_NAME AS schema_name, DIGEST AS digest, DIGEST_TEXT AS digest_text
  FROM performance_schema.events_statements_summary_by_digest
  WHERE DIGEST IN (${Array.from({ length: n }, () => '?').join(', ')})`;

/**
 * LAST_SEEN has whole seconds on MariaDB, and a statement's row is updated after the clock it stamps was read: rows
 * seen this long before the previous read are read again (unchanged ones come out of the diff as idle).
 */
const LAST_SEEN_MARGIN_S = 5;
/** A full read every this many reads anyway, so nothing a moved-rows read could miss (a clock set back) lasts. */
const FULL_READ_EVERY = 60;
const MAX_DIGESTS = 2000;

const keyOf = (schemaName: string | null, digest: string) => (schemaName === null ? `\u0001${digest}` : `${schemaName}\u0000${digest}`);

/**
 * The digest section of one target, read whole only at first (and after rows were removed, and every hour): after
 * that only the rows whose LAST_SEEN moved since the previous read, without DIGEST_TEXT, which is fetched for the
 * digests not seen before. The section is rebuilt from the previous read's rows with the moved ones replaced, so it is
 * what a full read would give (the top 2,000 by total time), and the counter diff, the payload and what the server
 * stores stay the same. A row that did not move has the same counters, times and text as at the previous read; a
 * row outside the previous top 2,000 that did not move cannot have entered it, since the others' totals only grow
 * (until rows are removed, which sends the reader back to a full read). On a full table (10,000 shapes, a few hundred
 * running) this reads a tenth of the rows and almost none of the text, which is most of each row's bytes.
 *
 * Rows read but not yet in a successful collection change nothing: the runner's counter state diffs whatever section
 * it gets against its own previous state, and this cache holds only what the server said at the last read.
 *
 * The reader's first read takes no text at all: the runner's state cannot hold a digest section yet (it holds only
 * what this reader gave), so that section is a baseline and none of its rows is sent. Those rows' texts are fetched
 * when they run, as a new digest's are; a row that never runs is never sent. On a full table that is 2,000 texts
 * (about 1 MB) per target at start.
 */
export class DigestReader {
  #rows: DigestRow[] | undefined;
  /** Rows of the first read, whose text was not read (null in the rows) and is fetched when they move. */
  readonly #textless = new Set<string>();
  #everRead = false;
  /** The server clock at the previous read, and the rows first seen before it then. */
  #clock: { now: number; older: number } | undefined;
  #reads = 0;

  readonly #scope: DigestScope;
  readonly #countersSql: string;
  readonly #movedSql: string;

  constructor(
    private readonly target: TargetSpec,
    private readonly inScope: SchemaScope,
  ) {
    this.#scope = digestScope(target.databases);
    this.#countersSql = scoped(countersSql, this.#scope);
    this.#movedSql = scoped(movedDigestsSql, this.#scope);
  }

  async read(conn: MysqlConn): Promise<DigestRow[]> {
    const [clockRow] = await conn.query(digestClockSql, [this.#clock?.now ?? 0]);
    const now = num(clockRow?.['now']);
    const kept = num(clockRow?.['kept']) ?? 0;
    const older = num(clockRow?.['older']) ?? 0;
    const previous = this.#rows;
    const clock = this.#clock;
    // Until the new rows are in hand, a failure leaves no half state: the next read is a full one.
    this.#rows = undefined;
    this.#clock = undefined;
    const rows =
      previous && clock && now !== null && kept >= clock.older && this.#reads % FULL_READ_EVERY !== 0
        ? await this.#readMoved(conn, previous, clock.now)
        : undefined;
    let result = rows;
    if (!result && !this.#everRead) {
      result = (await conn.query(this.#countersSql, this.#scope.params)).filter((r) => this.inScope(str(r['schema_name']))).map((r) => digestRow(r, null));
      for (const row of result) this.#textless.add(keyOf(row.schemaName, row.digest));
    } else if (!result) {
      result = await collectDigests(conn, this.target, this.inScope);
      this.#textless.clear();
    }
    this.#everRead = true;
    this.#reads = rows ? this.#reads + 1 : 1;
    this.#rows = result;
    if (now !== null) this.#clock = { now, older };
    return result;
  }

  /** The previous rows with the moved ones replaced; undefined when a full read is needed after all. */
  async #readMoved(conn: MysqlConn, previous: DigestRow[], since: number): Promise<DigestRow[] | undefined> {
    const moved = (await conn.query(this.#movedSql, [...this.#scope.params, since - LAST_SEEN_MARGIN_S])).filter((r) => this.inScope(str(r['schema_name'])));
    if (moved.length === 0) return previous;
    const byKey = new Map<string, DigestRow>();
    for (const row of previous) byKey.set(keyOf(row.schemaName, row.digest), row);
    const unknown: Record<string, unknown>[] = [];
    const updated = new Map<string, DigestRow>();
    for (const r of moved) {
      const key = keyOf(str(r['schema_name']), String(r['digest']));
      const before = byKey.get(key);
      if (before === undefined || this.#textless.has(key)) unknown.push(r);
      else updated.set(key, digestRow(r, before.digestText));
    }
    if (unknown.length > 0) {
      const texts = new Map<string, unknown>();
      const digests = [...new Set(unknown.map((r) => String(r['digest'])))];
      for (const t of await conn.query(textsSql(digests.length), digests)) texts.set(keyOf(str(t['schema_name']), String(t['digest'])), t['digest_text']);
      for (const r of unknown) {
        const key = keyOf(str(r['schema_name']), String(r['digest']));
        // Removed since the moved rows were read: a full read tells what is there now.
        if (!texts.has(key)) return undefined;
        updated.set(key, digestRow(r, statementText(this.target, texts.get(key))));
        this.#textless.delete(key);
      }
    }
    const rows: DigestRow[] = [];
    for (const row of previous) {
      const key = keyOf(row.schemaName, row.digest);
      const now = updated.get(key);
      rows.push(now ?? row);
      updated.delete(key);
    }
    for (const row of updated.values()) rows.push(row);
    // The server's order (SUM_TIMER_WAIT descending; here its microseconds) and its bound.
    rows.sort((a, b) => b.totalTimeUs - a.totalTimeUs);
    return rows.length > MAX_DIGESTS ? rows.slice(0, MAX_DIGESTS) : rows;
  }
}
