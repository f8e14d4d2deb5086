import { payloadDoorIssues, payloadSchema } from '@logstag/schema/core';
import { describe, expect, it } from 'vitest';
import { buildCollectionPayload, buildHeartbeatPayload, InvalidPayloadError, payloadJson } from './envelope';
import { parseRetryAfter } from './retry-after';

const base = { agentId: 'agent-1', targetId: 'pg-main', engine: 'postgresql' as const, category: 'runtime' as const, collectedAt: new Date('2026-01-02T03:04:05Z'), errors: [] };

describe('payload envelopes', () => {
  it('builds a schema-valid collection payload with a time-ordered uuid v7 id', () => {
    const a = buildCollectionPayload({ ...base, data: { sessions: [] } });
    const b = buildCollectionPayload({ ...base, data: { sessions: [] } });
    expect(payloadSchema.parse(a)).toEqual(a);
    expect(a).toMatchObject({ kind: 'collection', schemaVersion: 2, replayed: false, collectedAt: '2026-01-02T03:04:05.000Z' });
    expect(a.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/);
    expect(a.id < b.id).toBe(true);
  });

  it('refuses a payload the server would reject, before sending it', () => {
    expect(() => buildCollectionPayload({ ...base, targetId: 'bad\u0000name', data: {} })).toThrow(InvalidPayloadError);
    expect(() => buildCollectionPayload({ ...base, data: { n: 1n } })).toThrow(/not serializable as JSON/);
    // In words an operator reading the agent's log can act on (zod/mini has no messages of its own).
    expect(() => buildCollectionPayload({ ...base, targetId: 'x'.repeat(129), data: {} })).toThrow(/targetId: Too big: expected string to have <=128 characters/);
  });

  it('checks the sections as the server does: what zod accepts is built as zod parses it, what it refuses in its words', () => {
    const sessions = [{ pid: 7, datname: 'shop', state: 'active', query: 'select ?', newer_field: { kept: true } }];
    const p = buildCollectionPayload({ ...base, data: { sessions, connections: { total: 3, by_state: { idle: 2, active: 1 } } } });
    expect(p).toEqual(payloadSchema.parse(p));
    expect(p.kind === 'collection' && p.data.sessions).toBe(sessions);
    const wrong = { ...base, data: { sessions: [{ pid: 'seven' }], connections: { total: Number.NaN } } };
    const issues = payloadSchema.safeParse({ ...wrong, id: '01a2139f-0696-7290-9f5c-8dcded6d84a1', kind: 'collection', collectedAt: base.collectedAt.toISOString(), schemaVersion: 2 }).error!.issues;
    expect(issues.map((i) => i.path.join('.'))).toEqual(['data.sessions.0.pid', 'data.connections.total']);
    expect(() => buildCollectionPayload(wrong)).toThrow(`payload does not match the schema: ${issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  });

  it('replaces NUL and lone surrogates with U+FFFD in every string and key, so the server does not refuse the payload', () => {
    // What a Redis key or a MySQL text column can hold, and a collector error carrying the server's message.
    const data = { keyspace: { sample: ['user:\u0000:1', 'half \ud83d', 'pair \ud83d\ude00'], 'key\udc00': { n: 1 } }, note: 'a literal \\u0000 stays' };
    const p = buildCollectionPayload({ ...base, collectedAt: new Date(), data, errors: [{ collector: 'keys', message: 'bad \u0000 byte' }] });
    expect(p.kind === 'collection' && p.data).toEqual({ keyspace: { sample: ['user:\ufffd:1', 'half \ufffd', 'pair \ud83d\ude00'], 'key\ufffd': { n: 1 } }, note: 'a literal \\u0000 stays' });
    expect(p.kind === 'collection' && p.errors[0]!.message).toBe('bad \ufffd byte');
    // What is sent is the normalized payload, and the server's door finds nothing to refuse in it.
    expect(JSON.parse(payloadJson(p))).toEqual(p);
    expect(payloadDoorIssues(p, { now: Date.now(), maxPastMs: 3_600_000 })).toEqual([]);
    // The collector's own objects are left as they were.
    expect(data.keyspace.sample[0]).toBe('user:\u0000:1');
  });

  it('leaves a clean payload and its JSON as they were built', () => {
    const data = { sessions: [{ query: 'select 1', note: 'a literal \\u0000' }] };
    const p = buildCollectionPayload({ ...base, data });
    expect(p.kind === 'collection' && p.data).toEqual(data);
    expect(payloadJson(p)).toBe(JSON.stringify(p));
  });

  it('builds a heartbeat payload', () => {
    const hb = buildHeartbeatPayload({
      agentId: 'agent-1',
      collectedAt: new Date(),
      host: { hostname: 'h', os: 'Linux', platform: 'linux', arch: 'x64', cpuCount: 2, loadAverage: [0, 0, 0], memoryTotalBytes: 1, memoryFreeBytes: 1, uptimeSeconds: 1, agentVersion: '0.1.0', agentUptimeSeconds: 1, disks: [] },
      targets: [{ targetId: 'pg-main', engine: 'postgresql', tags: {} }],
    });
    expect(hb.kind).toBe('heartbeat');
  });
});

describe('parseRetryAfter', () => {
  it('reads delay-seconds and HTTP dates, and ignores garbage', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('7', now)).toBe(7000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 00:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});
