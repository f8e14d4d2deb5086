/**
 * Test support other workspaces may use (`@logstag/agent/testing`): the api's agent ↔ server end-to-end test and the
 * agent benchmark. Not part of the agent's runtime.
 */
export { startMongoWireServer, type MongoWireServer } from './mongo-wire/server';
export { setupMysql, setupPostgres, setupRedis, type MonitoredService } from './monitoring-setup';
export { ensureFerretdb } from './mongodb/ferretdb-binary';
export { ensureRedis6 } from './redis6-binary';
export { unusedPort } from './ports';
export { redisSetupCommands } from './setup-files';
export { startOwnRedis, waitForRedisPing, type OwnRedis } from './own-redis';
