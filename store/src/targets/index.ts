export * from './targets.tables';
export * from './targets.reads';
export * from './targets.writes';
