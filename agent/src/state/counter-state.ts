import type { Category } from '@logstag/schema/core';
import type { CounterSnapshot } from './diff';

/**
 * The previous raw counters per target and category, kept in memory: after an agent restart the first collection is
 * a baseline again, which is correct since the gap's length is unknown. Replaced only by a successful collection.
 */
export class CounterState {
  private readonly snapshots = new Map<string, { snapshot: CounterSnapshot; collectedAt: string }>();

  get(target: string, category: Category): { snapshot: CounterSnapshot; collectedAt: string } | undefined {
    return this.snapshots.get(keyOf(target, category));
  }

  replace(target: string, category: Category, snapshot: CounterSnapshot, collectedAt: string): void {
    this.snapshots.set(keyOf(target, category), { snapshot, collectedAt });
  }
}

function keyOf(target: string, category: Category): string {
  return `${target}\u0000${category}`;
}
