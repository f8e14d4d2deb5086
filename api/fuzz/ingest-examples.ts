// Cases every ingest fuzz run sends first, whatever the seed: the triggers issue 12 found by hand.
import { MAX_DECOMPRESSED_PAYLOAD_BYTES } from '@logstag/schema';
import type { IngestCase, LineSpec, PayloadDoc } from './ingest-cases';

const now = { nowPlusMs: 0, offset: 'Z' };

function doc(fresh: string, set: Record<string, unknown> = {}, collectedAt: PayloadDoc['collectedAt'] = now): PayloadDoc {
  return { kind: 'collection', id: { fresh }, collectedAt, set, drop: [] };
}

const single = (line: LineSpec): IngestCase => ({ auth: 'key', contentType: 'application/json', wire: 'gzip', contentEncoding: 'gzip', body: { single: line } });

/** Distinct ids per example, so a later run of the same examples answers duplicate rather than colliding. */
const id = (n: number) => `01900000-0000-7fff-8000-${n.toString(16).padStart(12, '0')}`;

export function issueExamples({ large }: { large: boolean }): IngestCase[] {
  const valid = Array.from({ length: 50 }, (_, i): LineSpec => ({ doc: doc(id(100 + i)) }));
  const cases: IngestCase[] = [
    single({ doc: doc(id(1), { data: { s: 'a\u0000b' } }) }),
    single({ doc: doc(id(2), { data: { s: '\ud800' } }) }),
    single({ doc: doc(id(3), { data: { '\u0000key': 1 } }) }),
    single({ doc: doc(id(4), {}, { literal: '0001-01-01T00:00:00Z' }) }),
    single({ doc: doc(id(5), {}, { literal: '0000-01-01T00:00:00Z' }) }),
    single({ doc: doc(id(6), {}, { literal: '9999-12-31T23:59:59Z' }) }),
    single({ doc: doc(id(7), { data: { deep: { $deep: { depth: 100_000, shape: 'array' } } } }) }),
    // 50 valid lines and one with a NUL: the valid ones must not be held hostage.
    {
      auth: 'key',
      contentType: 'application/x-ndjson',
      wire: 'gzip',
      contentEncoding: 'gzip',
      body: { batch: [...valid, { doc: doc(id(8), { data: { s: 'a\u0000b' } }) }, { doc: doc(id(9), {}, { literal: '0000-01-01T00:00:00Z' }) }], eol: '\n' },
    },
  ];
  if (large) {
    cases.push({
      auth: 'key',
      contentType: 'application/json',
      wire: 'gzip',
      contentEncoding: 'gzip',
      body: { huge: { bytes: MAX_DECOMPRESSED_PAYLOAD_BYTES - 2_000, unit: 'x', field: 'data-value' }, id: id(10) },
    });
  }
  return cases;
}
