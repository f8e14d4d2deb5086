import type { Category } from '@logstag/schema/core';
import { describe, expect, it } from 'vitest';
import type { CollectionResultWithCounters, EngineCollector } from '../collectors/types';
import { parseConfig } from '../config/load';
import { CounterState } from '../state/counter-state';
import { collectOnce } from './collect-once';

/** Answers each collect() with the next scripted result; an Error rejects, as a failed required collector does. */
function scriptedCollector(script: Array<CollectionResultWithCounters | Error>): EngineCollector {
  return {
    engine: 'redis',
    check: async () => [],
    collect: async (_category: Category, _signal: AbortSignal) => {
      const next = script.shift();
      if (!next) throw new Error('script exhausted');
      if (next instanceof Error) throw next;
      return next;
    },
    close: async () => {},
  };
}

const counters = { stats: { key: [], counters: ['ops'] } };
const result = (ops: number): CollectionResultWithCounters => ({ data: { stats: { ops, clients: 3 } }, errors: [], counters });
const config = parseConfig('targets:\n  - { name: cache, engine: redis, host: h, password: hunter2-secret }\n', 'c.yaml', {});
const target = config.targets[0]!;

describe('collectOnce', () => {
  it('keeps the previous state when a collection fails, so the next delta spans both intervals', async () => {
    const collector = scriptedCollector([result(100), new Error('connection reset'), result(130)]);
    const state = new CounterState();
    const run = () => collectOnce({ agentId: 'a', target, collector, category: 'workload', state, signal: new AbortController().signal, secrets: config.secretValues });

    const first = await run();
    expect(first.ok).toBe(true);
    expect(first.payload).toMatchObject({ data: { _delta: { baseline: true } } });
    expect((first.payload as { data: Record<string, unknown> }).data.stats).toBeUndefined();

    const failed = await run();
    expect(failed.ok).toBe(false);
    expect(failed.payload).toMatchObject({ data: {}, errors: [{ collector: 'workload', code: 'collection_failed', message: 'connection reset' }] });

    const third = await run();
    expect(third.payload).toMatchObject({ data: { stats: { ops: 30, clients: 3 }, _delta: { baseline: false } } });
  });

  it('scrubs secrets from error messages before they go into a payload', async () => {
    const collector = scriptedCollector([new Error('auth failed for redis://:hunter2-secret@h:6379')]);
    const { payload } = await collectOnce({ agentId: 'a', target, collector, category: 'runtime', state: new CounterState(), signal: new AbortController().signal, secrets: config.secretValues });
    expect(JSON.stringify(payload)).not.toContain('hunter2-secret');
    expect(JSON.stringify(payload)).toContain('[REDACTED]');
  });

  it('reports a collection cut by its deadline as deadline_exceeded', async () => {
    const controller = new AbortController();
    const collector: EngineCollector = {
      engine: 'redis',
      check: async () => [],
      collect: (_c, signal) => new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(new Error('aborted')))),
      close: async () => {},
    };
    setTimeout(() => controller.abort(new Error('collection did not finish within its 9000 ms deadline')), 10);
    const { payload, ok } = await collectOnce({ agentId: 'a', target, collector, category: 'runtime', state: new CounterState(), signal: controller.signal, secrets: [] });
    expect(ok).toBe(false);
    expect(payload).toMatchObject({ errors: [{ code: 'deadline_exceeded', message: expect.stringContaining('deadline') }] });
  });
});
