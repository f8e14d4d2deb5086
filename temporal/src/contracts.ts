// The names Logstag's workflows, activities and clients agree on: task queues, workflow types and id patterns, schedule
// ids, failure types, and (when a workflow has them) signals, queries and updates. One module, imported by name
// (`@logstag/temporal/contracts`) instead of repeating string literals. Import-safe in workflows: no Node built-ins,
// no imports at all, so the workflow bundle can take it whole.

/** The one task queue Logstag's workers poll; workflows and activities share it. */
export const TASK_QUEUE = 'logstag';

/**
 * Workflow type names, as clients start them and Schedules name them. Each is the name of the exported workflow
 * function in @logstag/workflows (a client checks it with `satisfies (typeof xxxWorkflow)['name']`).
 */
export const workflowTypes = {
  ingest: 'ingestWorkflow',
  retention: 'retentionWorkflow',
  /** One alert (signal-with-start on `alert:<org>:<fingerprint>`), across its episodes; continues-as-new. */
  alert: 'alertWorkflow',
  /** The absence pass of alert rules (target silent, agent silent), on the `alert-absence` Schedule every 30 s. */
  alertAbsence: 'alertAbsenceWorkflow',
  /** One notification (`NotificationRequest` of @logstag/schema), carried out with retries; returns a `DeliveryResult`. */
  delivery: 'deliveryWorkflow',
  /** One target's health report. */
  healthReport: 'healthReportWorkflow',
  /** An organization's daily end-to-end test: a test notification through each enabled integration (its Schedule). */
  integrationE2eTest: 'integrationE2eTestWorkflow',
} as const;

/**
 * Workflow ids carry meaning and make starts idempotent: starting an id that runs (or ran, under REJECT_DUPLICATE)
 * starts nothing. The patterns the coming features will use are reserved here so their ids never collide.
 */
export const workflowIds = {
  /** One payload's ingest workflow (replayed histories and tests start ingest by payload). */
  ingest: (payloadId: string) => `ingest:${payloadId}`,
  /** One dispatcher batch: a claim's fresh id, so a re-claim can never add payloads to a workflow that already runs. */
  ingestBatch: (batchId: string) => `ingest:${batchId}`,
  /** One long-lived workflow per alert (signal-with-start): organization and the alert's fingerprint. */
  alert: (organizationId: string, fingerprint: string) => `alert:${organizationId}:${fingerprint}`,
  /**
   * One workflow per notification delivery, keyed by the request's `notificationId`. The alert workflow starts it as a
   * child with ParentClosePolicy ABANDON (a delivery outlives an alert's continue-as-new) and waits for its
   * `DeliveryResult`; an id already used starts nothing, so a notification is never sent twice. A replay gets a new
   * notificationId and keeps the original's idempotencyKey.
   */
  delivery: (notificationId: string) => `delivery:${notificationId}`,
  /** A target's health report (Temporal appends the scheduled time when a Schedule starts it). */
  healthReport: (organizationId: string, targetId: string) => `health-report:${organizationId}:${targetId}`,
  /** An organization's daily end-to-end test of its integrations (Temporal appends the scheduled time). */
  integrationE2eTest: (organizationId: string) => `integration-e2e-test:${organizationId}`,
} as const;

/**
 * Schedule ids. Per-organization and per-target schedules carry both ids, so deleting an organization's or a target's
 * schedules never needs a lookup, and a schedule is found again by the same id after a restart (idempotent create).
 */
export const scheduleIds = {
  /** The deployment-wide retention pass (partitions, rollups, expired data). */
  retention: 'retention',
  /** A target's health report, on its frequency class. */
  healthReport: (organizationId: string, targetId: string) => `health-report:${organizationId}:${targetId}`,
  /** An organization's daily end-to-end test of its integrations, at the hour its Admins chose. */
  integrationE2eTest: (organizationId: string) => `integration-e2e-test:${organizationId}`,
} as const;

/**
 * ApplicationFailure types activities throw, so workflows name them in retry policies and tests match them. A retry
 * policy lists the non-retryable ones (below); any other type is retried within the policy's bounds.
 */
export const failureTypes = {
  /** A workflow named payloads the store does not have: retrying cannot help. Non-retryable. */
  payloadNotFound: 'PayloadNotFound',
  /** The store could not answer (connection, deadlock, lock timeout): retried with backoff. */
  storeUnavailable: 'StoreUnavailable',
} as const;

export type FailureType = (typeof failureTypes)[keyof typeof failureTypes];

/** The failure types no retry can fix, for `retry.nonRetryableErrorTypes` of the ingest activities. */
export const NON_RETRYABLE_INGEST_FAILURES: readonly FailureType[] = [failureTypes.payloadNotFound];

// Signals, queries and updates: named here (ending in `Signal`, `Query`, `Update`, as the house style says) so the
// workflow's `defineSignal(name)` and a client's `signalWithStart` share one spelling.

/**
 * The alert workflow's signals. The evaluator signals-with-start `condition` on transitions only; rule and target
 * changes come from the API; `reopen` is signalled-with-start too, since a resolved alert's workflow may have ended.
 */
export const alertSignals = {
  condition: 'alertConditionSignal',
  ruleChanged: 'ruleChangedSignal',
  ruleDeleted: 'ruleDeletedSignal',
  targetRemoved: 'targetRemovedSignal',
  reopen: 'reopenSignal',
} as const;

/** The alert workflow's updates (validated, answered with the alert's state): what people do to an alert. */
export const alertUpdates = {
  acknowledge: 'acknowledgeUpdate',
  resolve: 'resolveUpdate',
  snooze: 'snoozeUpdate',
} as const;

export const alertQueries = {
  state: 'alertStateQuery',
} as const;

/** The absence pass (target silent, agent silent): a workflow on a Temporal Schedule every 30 s. */
export const alertAbsence = {
  workflowType: workflowTypes.alertAbsence,
  scheduleId: 'alert-absence',
} as const;
