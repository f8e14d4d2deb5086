// What other features import to write audit events.
export { recordAuditEvent } from '@logstag/store';
export { auditContextOf, requestClient, type AuditContext } from './audit-context';
export type { AuditEventInput } from '@logstag/store';
