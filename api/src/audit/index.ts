// What other features import to write audit events.
export { recordAuditEvent } from './audit.repository';
export { auditContextOf, requestClient, type AuditContext } from './audit-context';
export type { AuditEventInput } from './audit-event';
