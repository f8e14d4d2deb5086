// The alerts area: rules (and the default pack), escalation policies, the evaluator's condition state, and the
// episodes and timelines the alert workflows write.
export * from './alerts.tables';
export * from './rules.repository';
export * from './policies.repository';
export * from './conditions.repository';
export * from './episodes.repository';
export * from './evaluation.reads';
export * from './silences.repository';
export * from './health-finding-alerts.reads';
