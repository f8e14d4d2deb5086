import { sql, type Transaction } from 'kysely';
import type { Database } from '../database';

/**
 * Serializes first-run work across API replicas starting on the same empty store, so exactly one first owner is made.
 * Held until the transaction ends.
 */
export async function lockFirstRun(trx: Transaction<Database>): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext('logstag:first-run'))`.execute(trx);
}

export async function insertSetupToken(trx: Transaction<Database>, tokenHash: string, expiresAt: Date): Promise<void> {
  await trx.insertInto('setup_tokens').values({ token_hash: tokenHash, expires_at: expiresAt }).execute();
}

/** Marks an unused, unexpired setup token used; false when there is none (one use only). */
export async function claimSetupToken(trx: Transaction<Database>, tokenHash: string): Promise<boolean> {
  const row = await trx
    .updateTable('setup_tokens')
    .set({ used_at: sql<Date>`now()` })
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .returning('token_hash')
    .executeTakeFirst();
  return row !== undefined;
}
