// The payloads area: the raw payloads as agents sent them (claim check), their bodies, the dispatcher's batches, the
// storing pass's bookkeeping, failures, and the Admins' list of failed and stuck payloads.
export * from './payloads.tables';
export * from './payload-body';
export * from './payloads.repository';
export * from './payload-batches.repository';
export * from './payload-failures';
export * from './payloads-admin.repository';
