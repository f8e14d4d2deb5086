import { patched, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities, HealthReportSummary } from '@logstag/activities';
import { dueFrequencies } from '@logstag/schema/workflow';
import type { Frequency } from '@logstag/schema/health';

const { runHealthReport } = proxyActivities<Activities>({
  // Reading a target of 5,000 tables and evaluating the catalog takes seconds; the timeout leaves a loaded store room.
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 5 },
});

const { evaluateHealthFindingAlerts } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  // Signals alert workflows through the dev server or cluster; a retry records and signals nothing twice.
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 10 },
});

export interface HealthReportInput {
  organizationId: string;
  targetId: string;
  /** `schedule` when its Temporal Schedule started it, `manual` for run-now (UI and API). */
  trigger?: 'schedule' | 'manual';
  windowHours?: number;
  frequencies?: Frequency[];
  /** Scheduled runs: the schedule's period and the classes' hours, to run only the classes due (PMM's frequency classes). */
  schedule?: { periodHours: number; hours: Readonly<Record<Frequency, number>> };
}

export interface HealthReportResult extends HealthReportSummary {
  workflowId: string;
}

/**
 * One target's health report: the activity reads the latest stored data, runs the engine's catalog, scores, diffs with
 * the ledger and stores the report. Started by the target's Schedule (`health-report:<org>:<target>`, frequency class)
 * or on demand. Once the report is stored, alert evaluation is told (the `health_finding` rules): each finding that
 * became critical starts its own alert, a fixed one clears it. Runs recorded before that step replay without it.
 */
export async function healthReportWorkflow(input: HealthReportInput): Promise<HealthReportResult> {
  // The workflow's clock is its start time (deterministic on replay).
  const frequencies = input.frequencies ?? (input.schedule ? dueFrequencies(Date.now(), input.schedule.periodHours * 3_600_000, input.schedule.hours) : undefined);
  const summary = await runHealthReport({
    organizationId: input.organizationId,
    targetId: input.targetId,
    trigger: input.trigger ?? 'schedule',
    ...(input.windowHours !== undefined ? { windowHours: input.windowHours } : {}),
    ...(frequencies ? { frequencies } : {}),
  });
  if (patched('health-report-alerts') && summary.reportId !== null) {
    await evaluateHealthFindingAlerts({ organizationId: input.organizationId, targetId: input.targetId, reportId: summary.reportId });
  }
  return { ...summary, workflowId: workflowInfo().workflowId };
}
