export * from './targets.tables';
export * from './targets.reads';
