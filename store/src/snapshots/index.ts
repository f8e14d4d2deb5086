export * from './snapshots.tables';
export * from './snapshots.reads';
export * from './snapshot-diff';
export * from './snapshots.writes';
