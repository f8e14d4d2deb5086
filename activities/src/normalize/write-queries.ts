import { sql, type Transaction } from 'kysely';
import type { Database } from '@logstag/store';
import type { QueryStat } from './types';

/** Statement text is stored once per (organization, target, fingerprint); each collection adds one stats row. */
export async function writeQueries(
  trx: Transaction<Database>,
  where: { organizationId: string; targetId: string; engine: string; ts: Date },
  stats: QueryStat[],
): Promise<void> {
  if (stats.length === 0) return;
  const { organizationId, targetId, engine, ts } = where;
  const unique = [...new Map(stats.map((s) => [s.fingerprint, s])).values()];
  for (let i = 0; i < unique.length; i += 1_000) {
    const chunk = unique.slice(i, i + 1_000);
    await trx
      .insertInto('queries')
      .values(
        chunk.map((s) => ({
          organization_id: organizationId,
          target_id: targetId,
          fingerprint: s.fingerprint,
          engine,
          database_name: s.database,
          query_text: s.text,
          first_seen: ts,
          last_seen: ts,
        })),
      )
      .onConflict((oc) =>
        oc.columns(['organization_id', 'target_id', 'fingerprint']).doUpdateSet({
          query_text: sql`coalesce(queries.query_text, excluded.query_text)`,
          first_seen: sql`least(queries.first_seen, excluded.first_seen)`,
          last_seen: sql`greatest(queries.last_seen, excluded.last_seen)`,
        }),
      )
      .execute();
  }
  for (let i = 0; i < unique.length; i += 1_000) {
    await trx
      .insertInto('query_stats')
      .values(
        unique.slice(i, i + 1_000).map((s) => ({
          organization_id: organizationId,
          target_id: targetId,
          fingerprint: s.fingerprint,
          ts,
          calls: s.calls,
          total_time_ms: s.totalTimeMs,
          rows: s.rows,
          blocks_hit: s.blocksHit,
          blocks_read: s.blocksRead,
        })),
      )
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
