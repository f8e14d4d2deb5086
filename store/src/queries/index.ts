export * from './queries.tables';
export * from './queries.reads';
