export * from './domain';
export * from './payload';
export * from './errors';
export * from './activity-views';
