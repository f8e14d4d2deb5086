export * from './activity.tables';
export * from './activity.reads';
export * from './activity.writes';
