import type Redis from 'ioredis';
import type { QueryClock } from '../query-clock';

/**
 * The target's client as one collection sees it: every command it sends (and each pipeline, as one round trip) is
 * timed into `clock`. The connection itself is shared by the target's categories, so the timing cannot live on it.
 */
export function timedClient(client: Redis, clock: QueryClock): Redis {
  return new Proxy(client, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      if (property === 'pipeline') {
        return (...args: unknown[]) => {
          const pipeline = (value as (...a: unknown[]) => ReturnType<Redis['pipeline']>).apply(target, args);
          const exec = pipeline.exec.bind(pipeline);
          pipeline.exec = () => clock.query(() => exec());
          return pipeline;
        };
      }
      return (...args: unknown[]) => {
        const started = performance.now();
        const result: unknown = (value as (...a: unknown[]) => unknown).apply(target, args);
        // Commands return promises; anything else (an event emitter method) is not a round trip.
        if (result instanceof Promise) return result.finally(() => clock.add(started));
        return result;
      };
    },
  });
}
