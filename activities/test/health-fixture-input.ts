// A HealthInput built from recorded payloads (api/test/fixtures) the way the store holds them: each collection through
// the server's extractor, snapshots as stored items (latest of each kind), series with their last value and window
// sums of deltas, runtime snapshots as activity samples, statements summed. For the pure catalog tests; the store's
// own reader (loadHealthInput) is tested against a real store in health-report.test.ts.
import { readFileSync } from 'node:fs';
import type { Engine } from '@logstag/schema';
import type { HealthInput, HealthItem, HealthSeries, HealthStatement } from '@logstag/schema/health';
import { toStoredItems } from '@logstag/store';
import { extractCollection } from '../src/normalize/extract-collection';

interface Recorded {
  engine: Engine;
  category: string;
  schemaVersion: number;
  collectedAt: string;
  data: Record<string, unknown>;
  errors?: Array<{ collector: string; message: string; code?: string }>;
}

export function recordedPayloads(engine: Engine): Recorded[] {
  return readFileSync(new URL(`../../api/test/fixtures/${engine}.jsonl`, import.meta.url), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Recorded);
}

export function inputFromRecorded(engine: Engine, overrides: Partial<HealthInput> = {}): HealthInput {
  const input: HealthInput = {
    organizationId: 'org',
    targetId: `${engine}-fixture`,
    engine,
    version: null,
    now: '2026-11-26T00:00:00.000Z',
    windowHours: 24,
    settings: null,
    access: null,
    schema: null,
    observedSince: null,
    series: [],
    activity: [],
    statements: [],
    errors: [],
    host: null,
  };
  const series = new Map<string, HealthSeries>();
  const statements = new Map<string, HealthStatement>();
  for (const p of recordedPayloads(engine)) {
    const x = extractCollection(p.engine, p.category, p.data, p.schemaVersion);
    input.version = x.version ?? input.version;
    for (const kind of ['settings', 'access', 'schema'] as const) {
      const items = x.snapshots[kind];
      if (items) input[kind] = { ts: p.collectedAt, items: Object.values(toStoredItems(items)) as HealthItem[] };
    }
    if (x.snapshots.schema && !input.observedSince) input.observedSince = p.collectedAt;
    for (const m of x.metrics) {
      const key = `${m.metric}|${JSON.stringify(m.labels)}`;
      const prev = series.get(key);
      const windowSum = m.kind === 'delta' ? (prev?.windowSum ?? 0) + m.value : null;
      series.set(key, { metric: m.metric, labels: m.labels, kind: m.kind, value: m.value, ts: p.collectedAt, firstTs: prev?.firstTs ?? p.collectedAt, windowSum });
    }
    if (x.activity) {
      input.activity.push({
        ts: p.collectedAt,
        sessions: x.activity.sessions,
        lockWaits: x.activity.lockWaits.map((l) => ({ id: l.id, blockedBy: l.blockedBy, object: l.object, waitSeconds: l.waitSeconds })),
        connections: x.activity.connections ? { used: x.activity.connections.used, max: x.activity.connections.max } : null,
        replication: x.activity.replication,
      });
    }
    for (const q of x.queries) {
      const s = statements.get(q.fingerprint) ?? { fingerprint: q.fingerprint, database: q.database, text: q.text, calls: 0, totalTimeMs: 0, rows: 0, blocksHit: 0, blocksRead: 0 };
      s.calls += q.calls;
      s.totalTimeMs += q.totalTimeMs;
      s.rows += q.rows;
      s.blocksHit += q.blocksHit;
      s.blocksRead += q.blocksRead;
      if (q.scans) {
        s.noIndexUsed = (s.noIndexUsed ?? 0) + (q.scans.noIndexUsed ?? 0);
        s.fullScans = (s.fullScans ?? 0) + (q.scans.fullScans ?? 0);
      }
      statements.set(q.fingerprint, s);
    }
    if (p.errors?.length) input.errors = [...input.errors, ...p.errors];
  }
  input.series = [...series.values()];
  input.statements = [...statements.values()];
  return { ...input, ...overrides };
}
