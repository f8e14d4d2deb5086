export * from './health.tables';
export * from './health-input.reads';
export * from './health-reports.repository';
export * from './health-settings.repository';
export * from './accepted-risks.repository';
