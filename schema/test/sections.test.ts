import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ENGINES, SCHEMA_VERSION, SECTIONS, VERSION_1_SECTION_NAMES, currentSectionNames, payloadSchema } from '../src/index';

const recorded = (engine: string): Array<Record<string, any>> =>
  readFileSync(new URL(`../../api/test/fixtures/${engine}.jsonl`, import.meta.url), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, any>);

/** A recorded (version 1) payload as a version 2 agent sends it: the same sections under their snake_case names. */
const asVersion2 = (p: Record<string, any>) => ({ ...p, schemaVersion: SCHEMA_VERSION, data: currentSectionNames(p.engine, 1, p.data) });

const base = {
  id: '019ab6f0-5c1e-7a3b-8c9d-0123456789ab',
  agentId: 'agent-1',
  collectedAt: '2026-11-25T10:00:00.000Z',
  kind: 'collection',
  targetId: 'db-1',
};

describe('payload sections', () => {
  it('name every section of every engine in snake_case', () => {
    const names = Object.values(SECTIONS).flatMap((categories) => Object.values(categories).flatMap((sections) => Object.keys(sections)));
    expect(names.filter((n) => !/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/.test(n))).toEqual([]);
    const renamed = Object.values(VERSION_1_SECTION_NAMES).flatMap((m) => Object.values(m));
    expect(renamed.every((n) => names.includes(n))).toBe(true);
  });

  it.each(ENGINES)('accept the recorded %s payloads under the version 2 names', (engine) => {
    for (const p of recorded(engine)) {
      const r = payloadSchema.safeParse(asVersion2(p));
      expect(r.success, JSON.stringify(r.error?.issues.slice(0, 3))).toBe(true);
    }
  });

  it('still accept the recorded payloads as version 1, with their old names', () => {
    const mysql = recorded('mysql').find((p) => p.data.globalStatus)!;
    expect(mysql.schemaVersion).toBe(1);
    expect(payloadSchema.safeParse(mysql).success).toBe(true);
    // Version 1 data was any record of sections: so it stays.
    expect(payloadSchema.safeParse({ ...base, schemaVersion: 1, engine: 'postgresql', category: 'runtime', data: { sessions: 'not rows' } }).success).toBe(true);
  });

  it('refuse a declared field of the wrong type in version 2 and name it', () => {
    const r = payloadSchema.safeParse({
      ...base,
      schemaVersion: 2,
      engine: 'mysql',
      category: 'runtime',
      data: { sessions: [{ id: 7, timeMs: 'long' }], lock_waits: 'none' },
    });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.path.join('.')).sort()).toEqual(['data.lock_waits', 'data.sessions.0.timeMs']);
  });

  it('let fields and sections they do not declare through, for agents newer than the server', () => {
    const r = payloadSchema.safeParse({
      ...base,
      schemaVersion: 2,
      engine: 'redis',
      category: 'workload',
      data: { command_stats: [{ command: 'get', calls: 3, newField: 'x' }], future_section: { a: 1 } },
    });
    expect(r.success).toBe(true);
    expect(r.data).toMatchObject({ data: { command_stats: [{ newField: 'x' }], future_section: { a: 1 } } });
  });
});
