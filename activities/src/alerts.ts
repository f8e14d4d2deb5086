import { markPayloadsEvaluated } from '@logstag/store';
import type { ActivityDeps } from './deps';

/**
 * Alert evaluation, the ingest workflow's second step. The alert and delivery features add their activities here
 * (evaluating rules, signalling-with-start the `alert:<org>:<fingerprint>` workflows).
 */
export function createAlertActivities({ db }: Pick<ActivityDeps, 'db'>) {
  return {
    /** Runs the tenant's alert rules against the newly stored data, and only that: failed or discarded payloads are skipped. No rules exist yet, so it records the pass. */
    async evaluateAlerts(payloadIds: string[]): Promise<{ rulesEvaluated: number }> {
      await markPayloadsEvaluated(db, payloadIds);
      return { rulesEvaluated: 0 };
    },
  };
}
