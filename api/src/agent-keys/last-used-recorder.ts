import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '@logstag/store';
import { recordAgentKeysUsed } from '@logstag/store';

/**
 * Remembers when each key was last used and writes the times in one batch every `flushMs`, so ingest does not pay an
 * UPDATE per request. A crash loses at most `flushMs` of last-used precision, never a payload.
 */
export function createLastUsedRecorder(db: Kysely<Database>, flushMs: number, logger: Logger) {
  let pending = new Map<string, Date>();
  let timer: NodeJS.Timeout | undefined;

  async function flush(): Promise<void> {
    if (pending.size === 0) return;
    const batch = pending;
    pending = new Map();
    try {
      await recordAgentKeysUsed(db, batch);
    } catch (err) {
      // Keep the times for the next flush unless newer ones arrived meanwhile.
      for (const [id, at] of batch) if (!pending.has(id)) pending.set(id, at);
      logger.warn({ err: (err as Error).message }, 'could not record agent key last-used times; will retry');
    }
  }

  return {
    touch(keyId: string): void {
      pending.set(keyId, new Date());
    },
    flush,
    start(): void {
      timer ??= setInterval(() => void flush(), flushMs);
      timer.unref();
    },
    async stop(): Promise<void> {
      clearInterval(timer);
      timer = undefined;
      await flush();
    },
  };
}
export type LastUsedRecorder = ReturnType<typeof createLastUsedRecorder>;
