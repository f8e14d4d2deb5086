import type { Transaction } from 'kysely';
import type { Database, PayloadRow } from '@logstag/store';

/**
 * Normalizes raw payloads into the explorer tables (metric series, query stats, snapshots, assets). Called inside the
 * storePayloads transaction with the payloads not stored before; must be idempotent.
 */
export async function normalizePayloads(_trx: Transaction<Database>, _rows: PayloadRow[]): Promise<void> {
  // The per-engine normalizers plug in here.
}
