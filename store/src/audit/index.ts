// The audit area: the append-only audit_events table, what a feature records, and the reads of the audit log.
export * from './audit.tables';
export * from './audit-event';
export * from './audit.repository';
