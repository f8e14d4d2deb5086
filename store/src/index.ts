export * from './database';
export * from './store';
export * from './migrate';
