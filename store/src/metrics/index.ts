export * from './metrics.tables';
export * from './metrics.reads';
export * from './series-identity';
export * from './metrics.writes';
