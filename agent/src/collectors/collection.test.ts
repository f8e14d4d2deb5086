import { describe, expect, it } from 'vitest';
import { Collection, type CollectionOptions } from './collection';
import type { CollectorStep, StepFailure } from './step';

interface Ctx {
  user: string;
  standalone: boolean;
}
const ctx: Ctx = { user: 'logstag', standalone: true };

/** An engine's error as the tests' steps throw it: a code, and `denied` for a missing privilege. */
class ServerError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
const readFailure = (error: unknown): StepFailure =>
  error instanceof ServerError
    ? { code: error.code, message: error.message, denied: error.code === 'denied' }
    : { message: error instanceof Error ? error.message : String(error), denied: false };

function collection(overrides: Partial<CollectionOptions> = {}) {
  const lines: Array<{ obj: unknown; msg?: string }> = [];
  const at = (obj: object | string, msg?: string) => void lines.push({ obj, ...(msg ? { msg } : {}) });
  const logger = { debug: at, info: at, warn: at, error: at };
  const c = new Collection({ category: 'runtime', signal: new AbortController().signal, logger, disabled: [], readFailure, ...overrides });
  return { c, lines };
}

const step = (name: string, run: CollectorStep<Ctx>['run'], more: Partial<CollectorStep<Ctx>> = {}): CollectorStep<Ctx> => ({
  name,
  category: 'runtime',
  required: false,
  privilege: 'pg_read_all_stats',
  fix: ({ user }) => `GRANT pg_read_all_stats TO ${user};`,
  run,
  ...more,
});
const writes = (section: string, value: unknown) => step(section, async (_ctx, out) => void (out.data[section] = value));
const refused = (name: string, more: Partial<CollectorStep<Ctx>> = {}) =>
  step(name, () => Promise.reject(new ServerError('denied', `permission denied for ${name}`)), more);

describe('collection steps', () => {
  it('runs the steps of its category in order, skipping disabled steps and steps that do not apply', async () => {
    const { c } = collection({ disabled: ['clients'] });
    const result = await c.collect(() =>
      c.runSteps(
        [
          writes('info', 1),
          writes('clients', 2),
          { ...writes('replication', 3), applies: ({ standalone }) => !standalone },
          { ...writes('tables', 4), category: 'schema' },
          writes('slowlog', 5),
        ],
        ctx,
      ),
    );
    expect(result.data).toEqual({ info: 1, slowlog: 5 });
    expect(Object.keys(result.data)).toEqual(['info', 'slowlog']);
    expect(result.errors).toEqual([]);
  });

  it('reports an optional step refused for a privilege inside the payload with its fix, logs it with the privilege, and runs the next', async () => {
    const { c, lines } = collection();
    const result = await c.collect(() => c.runSteps([refused('locks'), writes('connections', { active: 1 })], ctx));
    expect(result.errors).toEqual([
      { collector: 'locks', code: 'denied', message: 'permission denied for locks', fix: 'GRANT pg_read_all_stats TO logstag;' },
    ]);
    expect(result.data).toEqual({ connections: { active: 1 } });
    expect(lines).toEqual([
      {
        obj: { collector: 'locks', code: 'denied', privilege: 'pg_read_all_stats', err: 'permission denied for locks' },
        msg: 'optional collector failed',
      },
    ]);
  });

  it('gives no fix for a failure that is not a missing privilege, and prefers the fix the error names itself', async () => {
    const { c } = collection({
      readFailure: (error) => ({ ...readFailure(error), ...(error instanceof ServerError && error.code === 'missing_extension' ? { fix: 'CREATE EXTENSION x;' } : {}) }),
    });
    const result = await c.collect(() =>
      c.runSteps(
        [
          step('timeout', () => Promise.reject(new ServerError('statement_timeout', 'canceling statement'))),
          step('statements', () => Promise.reject(new ServerError('missing_extension', 'no extension'))),
          step('plain', () => Promise.reject(new Error('socket closed'))),
        ],
        ctx,
      ),
    );
    expect(result.errors).toEqual([
      { collector: 'timeout', code: 'statement_timeout', message: 'canceling statement' },
      { collector: 'statements', code: 'missing_extension', message: 'no extension', fix: 'CREATE EXTENSION x;' },
      { collector: 'plain', message: 'socket closed' },
    ]);
  });

  it('fails the collection on a required step, naming it, after the engine saw the server error itself', async () => {
    const { c } = collection();
    let seenByConnection: unknown;
    const after = writes('after', 1);
    const work = async () => {
      try {
        await c.runSteps([writes('before', 1), refused('sessions', { required: true }), after], ctx);
      } catch (error) {
        seenByConnection = error;
        throw error;
      }
    };
    const rejection = await c.collect(work).catch((error: unknown) => error);
    expect(rejection).toBeInstanceOf(Error);
    expect((rejection as Error).message).toBe('sessions failed: permission denied for sessions');
    expect((rejection as Error).cause).toBe(seenByConnection);
    expect(seenByConnection).toBeInstanceOf(ServerError);
    expect(c.data).toEqual({ before: 1 });
    expect(c.errors).toEqual([]);
  });

  it('passes an error from outside the steps (a refused connection) through unchanged', async () => {
    const { c } = collection();
    const refusedConnection = new Error('connect ECONNREFUSED 127.0.0.1:5432');
    await expect(c.collect(() => Promise.reject(refusedConnection))).rejects.toBe(refusedConnection);
  });

  it('names the errors of steps run per database after their database, within 128 characters', async () => {
    const { c } = collection();
    await c.runSteps([refused('tables')], ctx, 'shop');
    await c.runSteps([refused('tables')], ctx, 'x'.repeat(200));
    expect(c.errors.map((e) => e.collector)).toEqual(['tables:shop', `tables:${'x'.repeat(121)}`]);
  });

  it('stops at the deadline: no further step runs, and an optional step failing on it rejects with the reason', async () => {
    const controller = new AbortController();
    const { c } = collection({ signal: controller.signal });
    const ran: string[] = [];
    const aborting = step('clients', async () => {
      ran.push('clients');
      controller.abort(new Error('deadline passed'));
      throw new Error('connection terminated');
    });
    const next = step('slowlog', async () => void ran.push('slowlog'));
    await expect(c.collect(() => c.runSteps([aborting, next], ctx))).rejects.toThrow('deadline passed');
    expect(ran).toEqual(['clients']);
    expect(c.errors).toEqual([]);
  });

  it('lets a step report what it could not see and a part that failed, and still keep its sections', async () => {
    const { c } = collection();
    const result = await c.collect(() =>
      c.runSteps(
        [
          step('users', async (_ctx, out) => {
            out.fail(new ServerError('denied', 'listDatabases refused'));
            out.data['users'] = [];
            out.report({ collector: 'users', code: 'partial', message: '2 users hidden' });
          }),
        ],
        ctx,
      ),
    );
    expect(result.data).toEqual({ users: [] });
    expect(result.errors).toEqual([
      { collector: 'users', code: 'denied', message: 'listDatabases refused', fix: 'GRANT pg_read_all_stats TO logstag;' },
      { collector: 'users', code: 'partial', message: '2 users hidden' },
    ]);
  });

  it('keeps the counter specs of the sections an area returned, not of absent or null ones', async () => {
    const { c } = collection();
    const spec = { key: [], counters: ['ops'] };
    const result = await c.collect(() =>
      c.runSteps([step('serverStatus', async (_ctx, out) => out.add({ data: { opcounters: { ops: 1 }, wiredTiger: null }, counters: { opcounters: spec, wiredTiger: spec, network: spec } }))], ctx),
    );
    expect(result.counters).toEqual({ opcounters: spec });
    expect(result.data).toEqual({ opcounters: { ops: 1 }, wiredTiger: null });
  });

  it('returns the database time its connection wrapper measured, or none for an engine that does not measure it', async () => {
    const { c } = collection();
    const timed = await c.collect(() =>
      c.runSteps([step('info', async () => {
        await c.clock.connect(() => new Promise((resolve) => setTimeout(resolve, 5)));
        await c.clock.query(() => new Promise((resolve) => setTimeout(resolve, 5)));
        await c.clock.query(() => Promise.resolve());
      })], ctx),
    );
    expect(timed.timing).toMatchObject({ queries: 2 });
    expect(timed.timing?.queryMs).toBeGreaterThan(0);
    expect(timed.timing?.connectMs).toBeGreaterThan(0);

    const untimed = collection({ timed: false }).c;
    expect(await untimed.collect(() => untimed.runSteps([writes('info', 1)], ctx))).not.toHaveProperty('timing');
  });

  it('lists at most maxErrors entries and counts the rest in one more', async () => {
    const { c } = collection({ maxErrors: 2, overflowCollector: 'mongodb' });
    const result = await c.collect(() => c.runSteps([refused('a'), refused('b'), refused('c'), refused('d')], ctx));
    expect(result.errors.map((e) => e.collector)).toEqual(['a', 'b', 'mongodb']);
    expect(result.errors[2]).toEqual({ collector: 'mongodb', message: '2 more collector errors not listed' });
  });
});
