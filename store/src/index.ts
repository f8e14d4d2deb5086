export * from './database';
export * from './explorer-tables';
export * from './store';
export * from './migrate';
export * from './payload-body';
