import { sql } from 'kysely';
import type { Db } from '../db';
import type { PayloadFailureReason } from './payloads.tables';

/** The ingest step a failure stopped: storing (normalization) or alert evaluation. */
export type FailedStep = 'store' | 'evaluate';

export interface PayloadFailure {
  reason: PayloadFailureReason;
  message: string;
  /** SQLSTATE, socket code or JavaScript error name; null when unknown. */
  code: string | null;
  /** Failed attempts to add to the payload's count. */
  attempts: number;
}

const MAX_MESSAGE = 2_000;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * An error message the store can hold whatever it quotes: a message repeating the payload's NUL or lone surrogate
 * would make recording the failure fail the same way.
 */
export function storableMessage(message: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = message.replace(/\u0000/g, '\uFFFD').replace(LONE_SURROGATE, '\uFFFD');
  return clean.length > MAX_MESSAGE ? `${clean.slice(0, MAX_MESSAGE - 1)}…` : clean;
}

function failureColumns(f: PayloadFailure) {
  return {
    status: 'failed' as const,
    error_reason: f.reason,
    error_message: storableMessage(f.message),
    error_code: f.code === null ? null : storableMessage(f.code).slice(0, 64),
    failed_at: sql<Date>`now()`,
    attempts: sql<number>`attempts + ${f.attempts}`,
  };
}

/** Marks one payload failed if it is still open (an Admin's discard meanwhile wins). */
export async function markPayloadFailed(db: Db, id: string, failure: PayloadFailure): Promise<boolean> {
  const r = await db.updateTable('payloads').set(failureColumns(failure)).where('id', '=', id).where('status', 'in', ['pending', 'started']).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/**
 * Marks the payloads of a workflow whose step gave up: for the store step those not stored; for the alert step the
 * stored ones not evaluated (their data is in the explorers; a retry stores them again, which changes nothing, and
 * evaluates them). Returns how many it marked.
 */
export async function markPayloadsFailed(db: Db, ids: readonly string[], step: FailedStep, failure: PayloadFailure): Promise<number> {
  if (ids.length === 0) return 0;
  let q = db.updateTable('payloads').set(failureColumns(failure)).where('id', 'in', [...ids]);
  q = step === 'store' ? q.where('status', 'in', ['pending', 'started']) : q.where('status', '=', 'stored').where('evaluated_at', 'is', null);
  return Number((await q.executeTakeFirst()).numUpdatedRows);
}
