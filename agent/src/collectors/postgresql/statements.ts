import { obfuscateQueryText } from '../../privacy/obfuscate';
import type { CounterSpec } from '../types';
import type { QueryTextOptions } from './activity';
import { CollectorFailure, hasSqlState, quoteIdent } from './failure';
import type { PgConn } from './pool';
import type { PgRow } from './sections';

// https://www.postgresql.org/docs/current/pgstatstatements.html
// The view's columns depend on the installed extension version, not only the server: 1.8 (13) renamed total_time to
// total_exec_time, 1.11 (17) renamed blk_read_time to shared_blk_read_time. Each output counter lists its source
// columns newest first and is read from whichever the installed view has, so one series spans an upgrade.
const COUNTER_SOURCES: ReadonlyArray<readonly [output: string, sources: readonly string[]]> = [
  ['calls', ['calls']],
  ['total_exec_time', ['total_exec_time', 'total_time']],
  ['plans', ['plans']],
  ['total_plan_time', ['total_plan_time']],
  ['rows', ['rows']],
  ['shared_blks_hit', ['shared_blks_hit']],
  ['shared_blks_read', ['shared_blks_read']],
  ['shared_blks_dirtied', ['shared_blks_dirtied']],
  ['shared_blks_written', ['shared_blks_written']],
  ['local_blks_hit', ['local_blks_hit']],
  ['local_blks_read', ['local_blks_read']],
  ['local_blks_dirtied', ['local_blks_dirtied']],
  ['local_blks_written', ['local_blks_written']],
  ['temp_blks_read', ['temp_blks_read']],
  ['temp_blks_written', ['temp_blks_written']],
  ['blk_read_time', ['shared_blk_read_time', 'blk_read_time']],
  ['blk_write_time', ['shared_blk_write_time', 'blk_write_time']],
  ['temp_blk_read_time', ['temp_blk_read_time']],
  ['temp_blk_write_time', ['temp_blk_write_time']],
  ['wal_records', ['wal_records']],
  ['wal_fpi', ['wal_fpi']],
  ['wal_bytes', ['wal_bytes']],
  ['jit_functions', ['jit_functions']],
  ['jit_generation_time', ['jit_generation_time']],
  ['jit_inlining_time', ['jit_inlining_time']],
  ['jit_optimization_time', ['jit_optimization_time']],
  ['jit_emission_time', ['jit_emission_time']],
];

/**
 * The view keeps each statement's mean and (population) standard deviation of execution time, which are no counters;
 * calls × (stddev² + mean²) is the sum of squared execution times, which is one: its deltas give the standard deviation
 * over any interval (the server's Query Explorer shows it). Newest column names first, as above.
 */
const SQUARES_SOURCES: ReadonlyArray<readonly [stddev: string, mean: string]> = [
  ['stddev_exec_time', 'mean_exec_time'],
  ['stddev_time', 'mean_time'],
];

/** Before 14 a statement had one row; from 14 top-level and nested executions are separate rows of the same queryid. */
export const STATEMENTS_KEY = ['queryid', 'dbid', 'userid', 'toplevel'] as const;

const extensionSql = `
SELECT n.nspname AS schema, e.extversion AS version
  FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
 WHERE e.extname = 'pg_stat_statements'`;

const viewColumnsSql = `
SELECT a.attname AS name
  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = $1 AND c.relname = 'pg_stat_statements' AND a.attnum > 0 AND NOT a.attisdropped`;

/**
 * Statistics come from pg_stat_statements(false), which skips reading the query-text file; texts are fetched only
 * for entries the agent has not seen yet. Keeps the per-minute cost on the server flat however long the texts are.
 *
 * `$1` is the oids of the databases the target covers: entries of other databases are not read, except hidden ones
 * (no queryid: another user's, the role lacks pg_read_all_stats), which are counted on the whole server.
 */
export function statementsStatsSql(schema: string, counters: ReadonlyArray<readonly [string, string]>, hasToplevel: boolean, squares?: readonly [string, string]): string {
  const columns = [
    ...counters.map(([output, source]) => `s.${quoteIdent(source)} AS ${output}`),
    ...(squares ? [`(s.calls * (power(s.${quoteIdent(squares[0])}, 2) + power(s.${quoteIdent(squares[1])}, 2)))::float8 AS exec_time_sq`] : []),
  ].join(',\n       ');
  return `
SELECT s.queryid::text AS queryid, s.dbid, s.userid, ${hasToplevel ? 's.toplevel' : 'true'} AS toplevel,
       d.datname, r.rolname AS usename,
       ${columns}
  FROM ${quoteIdent(schema)}.pg_stat_statements(false) s
  -- An inner join: entries of dropped databases are not even read (see collect()).
  JOIN pg_database d ON d.oid = s.dbid
  LEFT JOIN pg_roles r ON r.oid = s.userid
 WHERE s.dbid = ANY($1::oid[]) OR s.queryid IS NULL`;
}

const databaseOidsSql = 'SELECT oid, datname FROM pg_database';

export function statementsTextSql(schema: string): string {
  return `
SELECT s.queryid::text AS queryid, s.dbid, s.userid, s.query
  FROM ${quoteIdent(schema)}.pg_stat_statements(true) s
 WHERE s.queryid = ANY($1::bigint[])`;
}

export const MISSING_EXTENSION_FIX = 'CREATE EXTENSION pg_stat_statements;';
const PRELOAD_HINT =
  "pg_stat_statements must also be listed in shared_preload_libraries (ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'; then restart PostgreSQL)";

type StatementRow = PgRow<'statements'> & { queryid: string | null; dbid: number; userid: number; toplevel: boolean; datname: string | null };

export interface Statements {
  rows: PgRow<'statements'>[];
  counters: CounterSpec;
  /** Entries whose queryid the monitoring role may not see (it lacks pg_read_all_stats). */
  hidden: number;
}

/** Reads pg_stat_statements, remembering normalized texts between runs (state lives in the collector instance). */
export class StatementsCollector {
  #texts = new Map<string, string | null>();

  async collect(conn: PgConn, includeDatabase: (name: string) => boolean, text: QueryTextOptions): Promise<Statements> {
    const [extension] = await conn.rows<{ schema: string; version: string }>(extensionSql);
    if (!extension) {
      throw new CollectorFailure(
        'missing_extension',
        `pg_stat_statements is not installed in database "${conn.server.database}"; ${PRELOAD_HINT}`,
        MISSING_EXTENSION_FIX,
      );
    }
    const columns = new Set((await conn.rows<{ name: string }>(viewColumnsSql, [extension.schema])).map((r) => r.name));
    const counters = COUNTER_SOURCES.flatMap(([output, sources]) => {
      const source = sources.find((s) => columns.has(s));
      return source ? [[output, source] as const] : [];
    });
    const squares = SQUARES_SOURCES.find(([stddev, mean]) => columns.has(stddev) && columns.has(mean));
    // The view holds every database's entries (on a shared server, mostly other databases'): only the covered ones
    // are read: on the benchmark's shared test server about an eighth of the view's rows for live databases.
    const covered = (await conn.rows<{ oid: number; datname: string }>(databaseOidsSql)).filter((d) => includeDatabase(d.datname)).map((d) => d.oid);
    let rows: StatementRow[];
    try {
      rows = await conn.rows<StatementRow>(statementsStatsSql(extension.schema, counters, columns.has('toplevel'), squares), [covered]);
    } catch (error) {
      // 55000: the extension exists in this database but the library was not preloaded at server start.
      if (hasSqlState(error) && error.code === '55000') {
        throw new CollectorFailure('not_preloaded', `${error.message}; ${PRELOAD_HINT}`, "ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements';");
      }
      throw error;
    }
    const visible = rows.filter((row) => row.queryid !== null);
    // pg_stat_statements keeps the entries of a dropped database until they are evicted (datname is then null).
    // They belong to no database the target covers, and on a server where databases come and go they can be most of
    // the view: on the shared test server 4,500 of 4,750 entries, whose texts every PostgreSQL target fetched,
    // obfuscated and sent each minute (the bulk of the agent's CPU and memory in the benchmark).
    const included = visible.filter((row) => row.datname !== null && includeDatabase(row.datname));
    const texts = text.mode === 'off' ? new Map<string, string | null>() : await this.#textsFor(conn, extension.schema, included, text);
    return {
      rows: included.map((row) => ({ ...row, query: texts.get(textKey(row)) ?? null })),
      counters: { key: STATEMENTS_KEY, counters: [...counters.map(([output]) => output), ...(squares ? ['exec_time_sq'] : [])] },
      hidden: rows.length - visible.length,
    };
  }

  async #textsFor(conn: PgConn, schema: string, rows: StatementRow[], text: QueryTextOptions): Promise<Map<string, string | null>> {
    const current = new Map<string, string | null>();
    const missing = new Set<string>();
    for (const row of rows) {
      const key = textKey(row);
      if (this.#texts.has(key)) current.set(key, this.#texts.get(key) ?? null);
      else missing.add(row.queryid!);
    }
    if (missing.size > 0) {
      const fetched = await conn.rows<{ queryid: string; dbid: number; userid: number; query: string | null }>(statementsTextSql(schema), [[...missing]]);
      const wanted = new Set(rows.map(textKey));
      // The text query selects by queryid alone; the same queryid in a database this target does not cover is skipped.
      for (const row of fetched.filter((r) => wanted.has(textKey(r)))) {
        // Already normalized by the server ($1 for constants), but utility statements keep their literals:
        // the obfuscator and the length limit still apply.
        current.set(textKey(row), obfuscateQueryText(row.query, text.mode, text.maxLength, 'postgresql'));
      }
    }
    // Only entries still present are remembered, so evicted statements do not accumulate in the agent.
    this.#texts = current;
    return current;
  }
}

function textKey(row: { queryid: string | null; dbid: number; userid: number }): string {
  return `${row.queryid}:${row.dbid}:${row.userid}`;
}
