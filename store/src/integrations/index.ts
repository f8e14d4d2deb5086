// The integrations area: integrations (secrets sealed by the secret box), deliveries, their attempts and rate slots.
export * from './integrations.tables';
export * from './secret-box';
export * from './integrations.repository';
export * from './deliveries.repository';
export * from './ack-links';
export * from './e2e-tests.repository';
