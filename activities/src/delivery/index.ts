// Deliveries (issue 16): adapters, the guarded HTTP transport, verdicts, and the delivery workflow's activities.
export { createDeliveryActivities, DELIVERY_BAD_REQUEST, type AttemptSummary, type PreparedDelivery } from './delivery.activities';
export type { DeliveryDeps } from './delivery-deps';
export { createE2eTestActivities, type E2eTestResultInput } from './e2e-test.activities';
export { destinationPolicyFromEnv, refusalOf, PUBLIC_ONLY, DestinationRefused, type DestinationPolicy } from './ssrf-guard';
export { sendHttp, type HttpAnswer, type OutboundRequest } from './http-transport';
export { judgeHttp, judgeSmtp, parseRetryAfter, responseExcerpt } from './verdict';
export * from './adapters/index';
