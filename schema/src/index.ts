export * from './domain';
export * from './payload';
export * from './errors';
export * from './activity-views';
export * from './storable-text';
export * from './payload-door';
export * from './sections';
export * from './metrics';
