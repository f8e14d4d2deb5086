import { ScheduleAlreadyRunning, ScheduleNotFoundError, type Client, type ScheduleOptions, type ScheduleSpec } from '@temporalio/client';
import type { Workflow } from '@temporalio/common';
import { TASK_QUEUE } from '../contracts';

/** A Temporal Schedule Logstag owns: when, and which workflow it starts with which arguments (on Logstag's queue). */
export interface ScheduleDefinition<W extends Workflow = Workflow> {
  /** From `scheduleIds` (contracts): per organization or per target, so the same id is found again after a restart. */
  scheduleId: string;
  spec: ScheduleSpec;
  workflowType: string;
  args: Parameters<W>;
  /** The started workflows' id, to which Temporal appends the scheduled time; `<scheduleId>-workflow` when absent. */
  workflowId?: string;
  policies?: ScheduleOptions['policies'];
}

export type EnsureOutcome = 'created' | 'exists';
export type PutOutcome = 'created' | 'updated';
export type RemoveOutcome = 'deleted' | 'absent';

function actionOf(def: ScheduleDefinition) {
  return {
    type: 'startWorkflow' as const,
    workflowType: def.workflowType,
    taskQueue: TASK_QUEUE,
    args: def.args,
    ...(def.workflowId ? { workflowId: def.workflowId } : {}),
  };
}

/**
 * Creates, updates and deletes Temporal Schedules idempotently, so every caller (start-up, another replica, a retried
 * request) may simply say what it wants:
 * - `ensure` creates a schedule when it is absent and leaves an existing one as it is (an operator's pause or changed
 *   interval in the Temporal UI survives restarts): for deployment-wide schedules such as retention.
 * - `put` creates it, or brings an existing one's spec, action and policies to the definition, keeping its paused
 *   state: for schedules Logstag's own settings drive (a target's health-report frequency).
 * - `remove` deletes it; one that does not exist is already what was asked for.
 */
export function createScheduleService(client: Client) {
  async function create(def: ScheduleDefinition): Promise<boolean> {
    try {
      await client.schedule.create({ scheduleId: def.scheduleId, spec: def.spec, action: actionOf(def), ...(def.policies ? { policies: def.policies } : {}) });
      return true;
    } catch (err) {
      if (err instanceof ScheduleAlreadyRunning) return false;
      throw err;
    }
  }

  return {
    async ensure(def: ScheduleDefinition): Promise<EnsureOutcome> {
      return (await create(def)) ? 'created' : 'exists';
    },

    async put(def: ScheduleDefinition): Promise<PutOutcome> {
      for (;;) {
        if (await create(def)) return 'created';
        try {
          await client.schedule.getHandle(def.scheduleId).update((current) => ({
            spec: def.spec,
            action: actionOf(def),
            policies: { ...current.policies, ...def.policies },
            state: current.state,
          }));
          return 'updated';
        } catch (err) {
          // Deleted between our create and update (a concurrent remove): create it again.
          if (!(err instanceof ScheduleNotFoundError)) throw err;
        }
      }
    },

    async remove(scheduleId: string): Promise<RemoveOutcome> {
      try {
        await client.schedule.getHandle(scheduleId).delete();
        return 'deleted';
      } catch (err) {
        if (err instanceof ScheduleNotFoundError) return 'absent';
        throw err;
      }
    },
  };
}

export type ScheduleService = ReturnType<typeof createScheduleService>;
