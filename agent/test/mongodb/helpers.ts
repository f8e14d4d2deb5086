import type { CollectorLogger, TargetSpec } from '../../src/collectors/types';
import { testTarget } from '../target-spec';

/** A target pointing at a test server; every other field at the defaults the config layer would give. */
export function mongoTarget(host: string, port: number, overrides: Partial<TargetSpec> = {}): TargetSpec {
  return testTarget({ name: 'mongo-wire', engine: 'mongodb', host, port, ...overrides });
}

/** Keeps what the collector logs, so a test can read it; nothing is printed. */
export function memoryLogger(): CollectorLogger & { lines: { level: string; obj: unknown; msg?: string }[] } {
  const lines: { level: string; obj: unknown; msg?: string }[] = [];
  const at = (level: string) => (obj: object | string, msg?: string) => void lines.push({ level, obj, ...(msg ? { msg } : {}) });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
