export * from './snapshots.tables';
export * from './snapshots.reads';
