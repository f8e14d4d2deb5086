import type { Kysely } from 'kysely';
import type { Database, NewPayloadRow } from '@logstag/store';
import { insertPayloadRows } from '@logstag/store';

export interface PayloadCommitterDeps {
  db: Kysely<Database>;
  /** Most rows in one INSERT. */
  maxBatchRows?: number;
  /** Most body bytes in one INSERT (bodies are up to a few MB each). */
  maxBatchBytes?: number;
  /** INSERTs in flight at once; requests arriving meanwhile wait for the next one. */
  maxInFlight?: number;
}

interface Waiting {
  row: NewPayloadRow;
  resolve(inserted: boolean): void;
  reject(err: unknown): void;
}

/**
 * Group commit of accepted payloads. Requests that arrive while earlier INSERTs are in flight are written together by
 * the next one: one multi-row INSERT, one transaction, one WAL flush for all of them, instead of one each. Nothing
 * waits on a timer: a request that finds a free slot is written at once (after the current turn of the event loop,
 * which gathers the requests decoded in that turn), so a lone payload pays no delay and a busy server gets larger
 * batches.
 *
 * Each caller's promise settles only after the INSERT holding its row has committed, so a 202 still means "committed".
 * When a multi-row INSERT fails, each of its rows is tried alone, so one bad row fails only its own request; if a row
 * fails alone too, that request is rejected (the agent keeps the payload and sends it again): nothing is lost.
 */
export function createPayloadCommitter({ db, maxBatchRows = 200, maxBatchBytes = 8 * 1024 * 1024, maxInFlight = 4 }: PayloadCommitterDeps) {
  const queue: Waiting[] = [];
  let inFlight = 0;
  let scheduled = false;

  async function writeAlone(w: Waiting): Promise<void> {
    try {
      w.resolve((await insertPayloadRows(db, [w.row])).has(w.row.id));
    } catch (err) {
      w.reject(err);
    }
  }

  async function write(batch: Waiting[]): Promise<void> {
    // The same id twice in one batch (an agent's retry racing its first attempt): the first is the insert, the
    // others are duplicates, as they would be one after the other.
    const first = new Map<string, Waiting>();
    const rows: NewPayloadRow[] = [];
    for (const w of batch) {
      if (!first.has(w.row.id)) {
        first.set(w.row.id, w);
        rows.push(w.row);
      }
    }
    let inserted: Set<string>;
    try {
      inserted = await insertPayloadRows(db, rows);
    } catch (err) {
      if (batch.length === 1) return batch[0]!.reject(err);
      await Promise.all(batch.map((w) => (first.get(w.row.id) === w ? writeAlone(w) : Promise.resolve(w.resolve(false)))));
      return;
    }
    for (const w of batch) w.resolve(first.get(w.row.id) === w && inserted.has(w.row.id));
  }

  function takeBatch(): Waiting[] {
    let bytes = 0;
    let n = 0;
    while (n < queue.length && n < maxBatchRows) {
      bytes += queue[n]!.row.body_raw.byteLength;
      if (n > 0 && bytes > maxBatchBytes) break;
      n++;
    }
    return queue.splice(0, n);
  }

  function pump(): void {
    scheduled = false;
    while (inFlight < maxInFlight && queue.length > 0) {
      const batch = takeBatch();
      inFlight++;
      void write(batch).finally(() => {
        inFlight--;
        pump();
      });
    }
  }

  return {
    /** Commits the row; true when it was inserted, false when a payload with its id was already stored. */
    commit(row: NewPayloadRow): Promise<boolean> {
      return new Promise<boolean>((resolve, reject) => {
        queue.push({ row, resolve, reject });
        if (!scheduled && inFlight < maxInFlight) {
          scheduled = true;
          setImmediate(pump);
        }
      });
    },
  };
}
export type PayloadCommitter = ReturnType<typeof createPayloadCommitter>;
