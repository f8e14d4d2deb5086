// What the simulated agents know about each payload they sent: the server's verdict per id, as an agent sees it.
import type { PoisonKind } from './poison';

export type Verdict = 'accepted' | 'refused';

export interface LedgerEntry {
  poison: PoisonKind | null;
  /** Requests that carried it (1 when the first answer was final). */
  attempts: number;
  /** accepted: the server answered accepted or duplicate for this id. refused: it answered rejected. */
  verdict: Verdict | null;
  /** The refusal's error code, or http_<status> when a whole request was refused. */
  refusal?: string;
}

export class Ledger {
  readonly entries = new Map<string, LedgerEntry>();
  requests = 0;
  /** Requests that failed as a whole and were sent again later (network error, 408, 429, 5xx, 401/403). */
  failedRequests = 0;
  readonly failedRequestsByCause = new Map<string, number>();

  created(id: string, poison: PoisonKind | null): void {
    this.entries.set(id, { poison, attempts: 0, verdict: null });
  }

  attempted(ids: readonly string[]): void {
    this.requests += 1;
    for (const id of ids) this.entries.get(id)!.attempts += 1;
  }

  requestFailed(cause: string): void {
    this.failedRequests += 1;
    this.failedRequestsByCause.set(cause, (this.failedRequestsByCause.get(cause) ?? 0) + 1);
  }

  accepted(id: string): void {
    this.entries.get(id)!.verdict = 'accepted';
  }

  refused(id: string, code: string): void {
    const entry = this.entries.get(id)!;
    // An id once accepted stays accepted: a later refusal (cannot happen with the same bytes) would not unstore it.
    if (entry.verdict === 'accepted') return;
    entry.verdict = 'refused';
    entry.refusal = code;
  }

  ids(filter: (e: LedgerEntry) => boolean): string[] {
    return [...this.entries].filter(([, e]) => filter(e)).map(([id]) => id);
  }
}
