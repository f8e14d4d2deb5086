// What the workflow bundle may import at run time from this package: pure values only, no zod, no rule catalog.
// Temporal re-evaluates every module of the bundle for each workflow it starts, so whatever a workflow imports is
// paid per workflow: with the package root (zod schemas built at import) an alert, a delivery or an ingest workflow
// cost about 25 ms of the workflow thread before its first line ran. Types still come from the root (`import type`).
export { RETRY_PROFILE_NAMES, RETRY_SCHEDULES, ATTEMPT_TIMEOUT_MS, MAX_RETRY_AFTER_MS, retryDelayMs, type RetryProfileName } from './retry';
export { escalationSteps, type EscalationStep } from './escalation';
export { recipientKey, severityRank } from './alert-workflow';
export { dueFrequencies } from './health/frequency';
