import type { CollectorLogger, TargetSpec } from '../src/collectors/types';

export const silentLogger: CollectorLogger = { debug() {}, info() {}, warn() {}, error() {} };

/** A target as the config loader builds it, with the loader's defaults; each test gives what identifies its target. */
export function testTarget(spec: Pick<TargetSpec, 'name' | 'engine' | 'host' | 'port'> & Partial<TargetSpec>): TargetSpec {
  return {
    databases: { include: [], exclude: [] },
    disabledCollectors: [],
    queryText: 'obfuscated',
    queryTextMaxLength: 4096,
    tags: {},
    statementTimeoutMs: 5000,
    ...spec,
  };
}
