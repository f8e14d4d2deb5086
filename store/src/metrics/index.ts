export * from './metrics.tables';
export * from './metrics.reads';
export * from './fleet.reads';
export * from './series-identity';
export * from './rollups';
export * from './metrics.writes';
