import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findTarget, listAgents, listHosts, listTargets, type Store } from '../src/index';
import { backends } from './backends';

describe.each(backends)('targets and assets on %s', (_name, open) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  const org = randomUUID();
  const now = new Date();
  beforeAll(async () => {
    ({ store, cleanup } = await open());
    await store.db
      .insertInto('targets')
      .values([
        { organization_id: org, target_id: 'pg-a', engine: 'postgresql', status: 'ok', tags: JSON.stringify({ env: 'prod' }), last_seen: now },
        { organization_id: org, target_id: 'pg-b', engine: 'postgresql', status: 'failing', last_seen: now },
        { organization_id: org, target_id: 'my-a', engine: 'mysql', last_seen: now },
        { organization_id: randomUUID(), target_id: 'pg-z', engine: 'postgresql' },
      ])
      .execute();
    await store.db.insertInto('agents').values([{ organization_id: org, agent_id: 'agent-1', hostname: 'h1', version: '1', first_seen: now, last_heartbeat: now, facts: '{}' }]).execute();
    await store.db.insertInto('hosts').values([{ organization_id: org, hostname: 'h1', agent_id: 'agent-1', facts: JSON.stringify({ cpus: 2 }), last_seen: now }]).execute();
  });
  afterAll(async () => {
    await store.close();
    await cleanup();
  });

  it("finds a target only in its organization, with its JSON columns parsed", async () => {
    expect((await findTarget(store.db, org, 'pg-a'))?.tags).toEqual({ env: 'prod' });
    expect(await findTarget(store.db, org, 'pg-z')).toBeUndefined();
  });

  it('lists targets by engine and status, paged by id', async () => {
    expect((await listTargets(store.db, org, { engine: 'postgresql' }, 10)).map((t) => t.target_id)).toEqual(['pg-a', 'pg-b']);
    expect((await listTargets(store.db, org, { status: 'failing' }, 10)).map((t) => t.target_id)).toEqual(['pg-b']);
    expect((await listTargets(store.db, org, { afterTargetId: 'my-a' }, 1)).map((t) => t.target_id)).toEqual(['pg-a']);
  });

  it('lists hosts and agents after a cursor', async () => {
    expect((await listHosts(store.db, org, undefined, 10)).map((h) => [h.hostname, h.facts])).toEqual([['h1', { cpus: 2 }]]);
    expect(await listHosts(store.db, org, 'h1', 10)).toEqual([]);
    expect((await listAgents(store.db, org, undefined, 10)).map((a) => a.agent_id)).toEqual(['agent-1']);
    expect(await listAgents(store.db, org, 'agent-1', 10)).toEqual([]);
  });
});
