import { sql, type Transaction } from 'kysely';
import type { Database } from '@logstag/store';
import { sortedByKey } from './lock-order';
import type { QueryStat } from './types';

/** Rows per INSERT (9 parameters each). */
const CHUNK = 1_000;

interface QueryRow {
  organization_id: string;
  target_id: string;
  fingerprint: string;
  engine: string;
  database_name: string | null;
  query_text: string | null;
  first_seen: Date;
  last_seen: Date;
}

interface StatRow {
  organization_id: string;
  target_id: string;
  fingerprint: string;
  ts: Date;
  calls: number;
  total_time_ms: number;
  rows: number;
  blocks_hit: number;
  blocks_read: number;
}

/**
 * Statement text is stored once per (organization, target, fingerprint); each collection adds one stats row. Collects a
 * batch's statements, each merged as successive upserts in collection order would leave it, and writes each table in
 * one sorted pass (lock-order.ts): the stats with the batch's own rows, the statements with the rows batches share.
 */
export class QueryBatch {
  private readonly queries = new Map<string, QueryRow>();
  private readonly stats = new Map<string, StatRow>();

  /** One collection's statements; call in collection order. */
  add(where: { organizationId: string; targetId: string; engine: string; ts: Date }, stats: QueryStat[]): void {
    const { organizationId, targetId, engine, ts } = where;
    // One payload naming a statement twice: its last entry counts.
    const unique = new Map(stats.map((s) => [s.fingerprint, s]));
    for (const s of unique.values()) {
      const key = JSON.stringify([organizationId, targetId, s.fingerprint]);
      this.stats.set(`${key}@${ts.toISOString()}`, {
        organization_id: organizationId,
        target_id: targetId,
        fingerprint: s.fingerprint,
        ts,
        calls: s.calls,
        total_time_ms: s.totalTimeMs,
        rows: s.rows,
        blocks_hit: s.blocksHit,
        blocks_read: s.blocksRead,
      });
      const q = this.queries.get(key);
      if (!q) {
        this.queries.set(key, {
          organization_id: organizationId,
          target_id: targetId,
          fingerprint: s.fingerprint,
          engine,
          database_name: s.database,
          query_text: s.text,
          first_seen: ts,
          last_seen: ts,
        });
        continue;
      }
      q.query_text ??= s.text;
      if (ts < q.first_seen) q.first_seen = ts;
      if (ts > q.last_seen) q.last_seen = ts;
    }
  }

  async writeStats(trx: Transaction<Database>): Promise<void> {
    const rows = sortedByKey(this.stats.values(), (s) => [s.organization_id, s.target_id, s.ts.getTime(), s.fingerprint]);
    for (let i = 0; i < rows.length; i += CHUNK) {
      await trx
        .insertInto('query_stats')
        .values(rows.slice(i, i + CHUNK))
        .onConflict((oc) =>
          oc.columns(['organization_id', 'target_id', 'ts', 'fingerprint']).doUpdateSet({
            calls: sql`excluded.calls`,
            total_time_ms: sql`excluded.total_time_ms`,
            rows: sql`excluded.rows`,
            blocks_hit: sql`excluded.blocks_hit`,
            blocks_read: sql`excluded.blocks_read`,
          }),
        )
        .execute();
    }
  }

  async writeQueries(trx: Transaction<Database>): Promise<void> {
    const rows = sortedByKey(this.queries.values(), (q) => [q.organization_id, q.target_id, q.fingerprint]);
    for (let i = 0; i < rows.length; i += CHUNK) {
      await trx
        .insertInto('queries')
        .values(rows.slice(i, i + CHUNK))
        .onConflict((oc) =>
          oc.columns(['organization_id', 'target_id', 'fingerprint']).doUpdateSet({
            query_text: sql`coalesce(queries.query_text, excluded.query_text)`,
            first_seen: sql`least(queries.first_seen, excluded.first_seen)`,
            last_seen: sql`greatest(queries.last_seen, excluded.last_seen)`,
          }),
        )
        .execute();
    }
  }
}
