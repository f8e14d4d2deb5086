/**
 * Test support other workspaces may use (`@logstag/agent/testing`): the api's agent ↔ server end-to-end test and the
 * agent benchmark. Not part of the agent's runtime.
 */
export { startMongoWireServer, type MongoWireServer } from './mongo-wire/server';
export { setupMysql, setupPostgres, setupRedis, type MonitoredService } from './monitoring-setup';
