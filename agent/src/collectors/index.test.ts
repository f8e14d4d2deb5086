import { describe, expect, it } from 'vitest';
import { silentLogger, testTarget } from '../../test/target-spec';
import { collectorFactories } from './index';

describe('collector factories', () => {
  it('put the global Response back once the PostgreSQL collector has loaded without it, also with targets loading at once', async () => {
    const before = Object.getOwnPropertyDescriptor(globalThis, 'Response');
    const collectors = ['a', 'b'].map((name) => collectorFactories.postgresql(testTarget({ name, engine: 'postgresql', host: '127.0.0.1', port: 1 }), silentLogger));
    const checks = await Promise.all(collectors.map((c) => c.check()));
    // Loaded and tried: port 1 refuses.
    expect(checks.flat().some((line) => line.ok === false)).toBe(true);
    expect(Object.getOwnPropertyDescriptor(globalThis, 'Response')).toEqual(before);
    expect(typeof Response).toBe('function');
    await Promise.all(collectors.map((c) => c.close()));
  });
});
