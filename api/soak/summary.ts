// The soak's figures, computed once from the facts: what the report prints and the invariants judge.
import { idSet, type IdSet, type SoakFacts } from './facts';

export interface SoakSummary {
  sent: number;
  poisonSent: number;
  accepted: number;
  /** Refused at the door (a rejected line, or a request refused as a whole), valid and poison apart. */
  refused: { poison: IdSet; valid: IdSet };
  /** Refusals by what was refused (poison kind, or valid) and the error code the server gave. */
  refusalCodes: Record<string, number>;
  /** Sent but without a final answer when the soak ended (the agent would still hold them). */
  unanswered: { poison: IdSet; valid: IdSet };
  /** status stored and store_count = 1. */
  storedOnce: number;
  /** status stored and store_count > 1: the store activity ran again for it and found it stored (see the docs). */
  storedAgain: IdSet;
  failed: { poison: IdSet; valid: IdSet };
  /** Accepted poison that did not end failed. */
  poisonNotFailed: IdSet;
  /** Accepted, but no row, or a row neither stored nor failed. */
  lost: IdSet & { byStatus: Record<string, number> };
  /** Payload ids normalized into more than one row. */
  storedTwice: IdSet;
  stuckPayloads: number;
  runningWorkflows: number;
}

export function summarize(facts: SoakFacts): SoakSummary {
  const { ledger } = facts;
  const entries = [...ledger.entries];
  const ids = (f: (e: (typeof entries)[number][1]) => boolean) => entries.filter(([, e]) => f(e)).map(([id]) => id);
  const storedAgain: string[] = [];
  const failedPoison: string[] = [];
  const failedValid: string[] = [];
  const poisonNotFailed: string[] = [];
  const lost: string[] = [];
  const lostByStatus: Record<string, number> = {};
  const refusalCodes: Record<string, number> = {};
  for (const e of ledger.entries.values()) {
    if (e.verdict !== 'refused') continue;
    const key = `${e.poison ?? 'valid'}: ${e.refusal}`;
    refusalCodes[key] = (refusalCodes[key] ?? 0) + 1;
  }
  let storedOnce = 0;
  for (const [id, row] of facts.accepted) {
    const poison = ledger.entries.get(id)!.poison !== null;
    if (row.status === 'stored') {
      if (row.storeCount === 1) storedOnce += 1;
      else storedAgain.push(id);
    } else if (row.status === 'failed') {
      (poison ? failedPoison : failedValid).push(id);
    } else {
      lost.push(id);
      lostByStatus[row.status] = (lostByStatus[row.status] ?? 0) + 1;
    }
    if (poison && row.status !== 'failed') poisonNotFailed.push(id);
  }
  return {
    sent: ids((e) => e.attempts > 0).length,
    poisonSent: ids((e) => e.attempts > 0 && e.poison !== null).length,
    accepted: facts.accepted.size,
    refused: { poison: idSet(ids((e) => e.verdict === 'refused' && e.poison !== null)), valid: idSet(ids((e) => e.verdict === 'refused' && e.poison === null)) },
    refusalCodes,
    unanswered: {
      poison: idSet(ids((e) => e.attempts > 0 && e.verdict === null && e.poison !== null)),
      valid: idSet(ids((e) => e.attempts > 0 && e.verdict === null && e.poison === null)),
    },
    storedOnce,
    storedAgain: idSet(storedAgain),
    failed: { poison: idSet(failedPoison), valid: idSet(failedValid) },
    poisonNotFailed: idSet(poisonNotFailed),
    lost: { ...idSet(lost), byStatus: lostByStatus },
    storedTwice: facts.normalizedTwice,
    stuckPayloads: (facts.rowsByStatus.pending ?? 0) + (facts.rowsByStatus.started ?? 0),
    runningWorkflows: facts.runningWorkflows.count,
  };
}
