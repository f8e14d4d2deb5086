// Where an ingest workflow's time goes, from its history: waiting for the first workflow task, waiting for a worker
// slot for storePayloads (schedule → start), running it (normalization), and activity retries.
import type { Client } from '@temporalio/client';
import proto from '@temporalio/proto';

const E = proto.temporal.api.enums.v1.EventType;

function ms(t: { seconds?: unknown; nanos?: number | null } | null | undefined): number {
  return Number(t?.seconds ?? 0) * 1000 + (t?.nanos ?? 0) / 1e6;
}

export interface WorkflowPhases {
  sampled: number;
  /** Workflow started → its first workflow task completed (storePayloads scheduled). */
  startToStoreScheduledMs: number[];
  /** storePayloads scheduled → picked up by a worker. */
  storeQueueMs: number[];
  /** storePayloads running (the final attempt). */
  storeRunMs: number[];
  /** Activity attempts beyond the first, across the sample. */
  retries: number;
}

export async function workflowPhases(client: Client, workflowIds: string[], sample = 200): Promise<WorkflowPhases> {
  const step = Math.max(1, Math.floor(workflowIds.length / sample));
  const picked = workflowIds.filter((_, i) => i % step === 0).slice(0, sample);
  const out: WorkflowPhases = { sampled: picked.length, startToStoreScheduledMs: [], storeQueueMs: [], storeRunMs: [], retries: 0 };
  for (let i = 0; i < picked.length; i += 8) {
    await Promise.all(
      picked.slice(i, i + 8).map(async (id) => {
        const events = (await client.workflow.getHandle(id).fetchHistory()).events ?? [];
        const started = events.find((e) => e.eventType === E.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED);
        const scheduled = events.filter((e) => e.eventType === E.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED);
        const store = scheduled.find((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'storePayloads');
        const storeStarted = events.find(
          (e) => e.eventType === E.EVENT_TYPE_ACTIVITY_TASK_STARTED && Number(e.activityTaskStartedEventAttributes?.scheduledEventId) === Number(store?.eventId),
        );
        const storeDone = events.find(
          (e) => e.eventType === E.EVENT_TYPE_ACTIVITY_TASK_COMPLETED && Number(e.activityTaskCompletedEventAttributes?.scheduledEventId) === Number(store?.eventId),
        );
        for (const e of events) {
          if (e.eventType === E.EVENT_TYPE_ACTIVITY_TASK_STARTED) out.retries += Math.max(0, (e.activityTaskStartedEventAttributes?.attempt ?? 1) - 1);
        }
        if (!started || !store || !storeStarted || !storeDone) return;
        out.startToStoreScheduledMs.push(ms(store.eventTime) - ms(started.eventTime));
        out.storeQueueMs.push(ms(storeStarted.eventTime) - ms(store.eventTime));
        out.storeRunMs.push(ms(storeDone.eventTime) - ms(storeStarted.eventTime));
      }),
    );
  }
  for (const a of [out.startToStoreScheduledMs, out.storeQueueMs, out.storeRunMs]) a.sort((x, y) => x - y);
  return out;
}
