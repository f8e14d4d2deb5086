import { describe, expect, it } from 'vitest';
import { payloadSchema, SCHEMA_VERSION } from '../src/index';

const base = {
  id: '019ab6f0-5c1e-7a3b-8c9d-0123456789ab',
  agentId: 'agent-1',
  collectedAt: '2026-11-25T10:00:00.000Z',
  schemaVersion: SCHEMA_VERSION,
};

describe('payload schema', () => {
  it('accepts a collection payload and defaults replayed and errors', () => {
    const p = payloadSchema.parse({ ...base, kind: 'collection', targetId: 'db-1', engine: 'postgresql', category: 'runtime', data: { sessions: [] } });
    expect(p.replayed).toBe(false);
    expect(p.kind === 'collection' && p.errors).toEqual([]);
  });

  it('refuses a payload id that is not a UUID v7 and names the field', () => {
    const r = payloadSchema.safeParse({ ...base, id: '6f1c2a4e-1b2c-4d3e-8f90-0123456789ab', kind: 'collection', targetId: 'db', engine: 'redis', category: 'runtime', data: {} });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.path.join('.'))).toContain('id');
  });

  it('refuses an unknown engine and an unknown schema version', () => {
    const r = payloadSchema.safeParse({ ...base, schemaVersion: 99, kind: 'collection', targetId: 'db', engine: 'oracle', category: 'runtime', data: {} });
    expect(r.success).toBe(false);
    const paths = r.error?.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['engine', 'schemaVersion']));
  });

  it('refuses control characters in target names', () => {
    const r = payloadSchema.safeParse({ ...base, kind: 'collection', targetId: 'db\u0000<x>', engine: 'redis', category: 'runtime', data: {} });
    expect(r.success).toBe(false);
  });
});
