export * from './database';
export * from './explorer-tables';
export * from './store';
export * from './migrate';
export * from './payload-body';
export * from './retention-policy';
export * from './metrics/series-identity';
