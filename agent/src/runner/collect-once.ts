import type { Category, CollectorError, Payload } from '@logstag/schema/core';
import type { TargetConfig } from '../config/types';
import { scrubSecrets } from '../config/redact';
import type { QueryTiming } from '../collectors/query-clock';
import type { EngineCollector } from '../collectors/types';
import { buildCollectionPayload } from '../output/envelope';
import type { CounterState } from '../state/counter-state';
import { diffSince } from '../state/diff';

export interface CollectOnceInput {
  agentId: string;
  target: TargetConfig;
  collector: EngineCollector;
  category: Category;
  state: CounterState;
  signal: AbortSignal;
  /** Scrubbed from error messages that go into payloads (a driver may quote a connection string). */
  secrets: readonly string[];
}

/**
 * One collection of one category from one target, as a payload ready to send: raw counters become deltas against the
 * previous successful collection (pganalyze's runner/full.go → state.DiffSince), and the previous state is replaced
 * only once this collection and its payload succeeded.
 *
 * When the collection itself fails (target down, a required collector failed) the payload carries no data and the
 * error, so the server can show the target as failing rather than silently stale.
 */
export async function collectOnce(input: CollectOnceInput): Promise<{ payload: Payload; ok: boolean; timing?: QueryTiming }> {
  const { target, category, state } = input;
  const name = target.spec.name;
  const collectedAt = new Date();
  const base = { agentId: input.agentId, targetId: name, engine: target.spec.engine, category, collectedAt };
  // An error message goes into the payload without secrets, within the payload schema's 2000 characters.
  const scrub = (message: string) => scrubSecrets(message, input.secrets).slice(0, 2000);

  let result;
  try {
    result = await input.collector.collect(category, input.signal);
  } catch (err) {
    const reason = input.signal.aborted ? (input.signal.reason as Error | undefined) : undefined;
    const message = scrub(String((reason ?? (err as Error)).message ?? err));
    const error: CollectorError = { collector: category, message, code: reason ? 'deadline_exceeded' : 'collection_failed' };
    return { payload: buildCollectionPayload({ ...base, data: {}, errors: [error] }), ok: false };
  }

  const errors = result.errors.map((e) => ({ ...e, message: scrub(e.message) }));
  const specs = result.counters ?? {};
  if (Object.keys(specs).length === 0) {
    return { payload: buildCollectionPayload({ ...base, data: result.data, errors }), ok: true, ...timingOf(result) };
  }

  const previous = state.get(name, category);
  const diff = diffSince(previous?.snapshot, result.data, specs);
  const data: Record<string, unknown> = {
    ...diff.data,
    // How to read the deltas: over which period, and whether this run was only a baseline or saw a reset.
    _delta: {
      baseline: diff.baseline,
      baselineSections: diff.baselineSections,
      counterReset: diff.counterReset,
      resetSections: diff.resetSections,
      ...(previous ? { since: previous.collectedAt, seconds: (collectedAt.getTime() - Date.parse(previous.collectedAt)) / 1000 } : {}),
    },
  };
  const payload = buildCollectionPayload({ ...base, data, errors });
  state.replace(name, category, diff.next, collectedAt.toISOString());
  return { payload, ok: true, ...timingOf(result) };
}

const timingOf = (result: { timing?: QueryTiming }) => (result.timing ? { timing: result.timing } : {});
