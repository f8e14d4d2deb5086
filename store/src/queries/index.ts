export * from './queries.tables';
export * from './queries.reads';
export * from './queries.writes';
export * from './monitoring-statements';
export * from './statement-applications';
