import type { Engine } from '@logstag/schema/core';
import { describe, expect, it } from 'vitest';
import type { CollectorFactory, EngineCollector } from '../collectors/types';
import { parseConfig } from '../config/load';
import { createLogger } from '../log/logger';
import { checkTargets } from './check-targets';

const config = parseConfig(
  'targets:\n  - { name: leaky, engine: postgresql, host: h, password: s3cret-value }\n  - { name: hung, engine: mysql, host: h }\n  - { name: broken, engine: redis, host: h }\n',
  'c.yaml',
  {},
);
const logger = createLogger({ level: 'silent' });

/** Collectors that misbehave in the ways check must survive; they stand in for drivers, not for the code under test. */
const factories: Record<Engine, CollectorFactory> = {
  postgresql: () => collector({ check: async () => [{ check: 'reachable', ok: false, detail: 'no route to postgres://u:s3cret-value@h/db' }] }),
  mysql: () => collector({ check: () => new Promise(() => {}) }),
  redis: () => {
    throw new Error('unsupported option');
  },
  mongodb: () => collector({}),
};

function collector(overrides: Partial<EngineCollector>): EngineCollector {
  return { engine: 'postgresql', check: async () => [], collect: async () => ({ data: {}, errors: [] }), close: async () => {}, ...overrides };
}

describe('checkTargets', () => {
  it('turns a hung check, a throwing factory and a leaky message into failed, secret-free lines', async () => {
    const lines = await checkTargets(config, factories, logger, 200);
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ target: 'leaky', ok: false, detail: 'no route to postgres://u:[REDACTED]@h/db' }),
        expect.objectContaining({ target: 'hung', check: 'reachable', ok: false, detail: 'no answer within 0.2 s' }),
        expect.objectContaining({ target: 'broken', check: 'collector', ok: false, detail: 'unsupported option' }),
      ]),
    );
    expect(JSON.stringify(lines)).not.toContain('s3cret-value');
  });
});
