export * from './app';
export * from './config';
export * from './server';
export * from './metrics';
export * from './http/api-error';
export * from './ingest/agent-auth';
