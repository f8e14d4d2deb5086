export * from './activity.tables';
export * from './activity.reads';
