import { defineRedisCollectorSuite } from './redis-suite';

defineRedisCollectorSuite({
  label: 'Redis 7 (test services)',
  start: async () => ({ url: new URL(process.env.LOGSTAG_TEST_REDIS_URL ?? 'redis://127.0.0.1:56379'), stop: async () => {} }),
});
