import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstOrganizationId, insertOrganization, listAuditEvents, recordAuditEvent, type Store } from '../src/index';
import { backends } from './backends';

describe.each(backends)('audit on %s', (_name, open) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  const org = randomUUID();
  beforeAll(async () => {
    ({ store, cleanup } = await open());
    await insertOrganization(store.db, org, 'Acme');
  });
  afterAll(async () => {
    await store.close();
    await cleanup();
  });

  it('records an event with its secrets redacted and lists it newest first', async () => {
    const actor = { userId: null, label: 'Ada@Example.com' };
    await recordAuditEvent(store.db, { organizationId: org, actor, action: 'agent_key.created', object: { type: 'agent_key', id: 'k1' }, after: { name: 'k', key_hash: 'h' } });
    await recordAuditEvent(store.db, { organizationId: org, actor, action: 'agent_key.revoked', object: { type: 'agent_key', id: 'k1' } });
    const events = await listAuditEvents(store.db, { organizationId: org }, 10);
    expect(events.map((e) => e.action)).toEqual(['agent_key.revoked', 'agent_key.created']);
    expect(events[1]?.after).toEqual({ name: 'k', key_hash: '[redacted]' });
    expect((await listAuditEvents(store.db, { organizationId: org, actor: 'ada@example.com', action: 'agent_key.created' }, 10)).length).toBe(1);
    expect((await listAuditEvents(store.db, { organizationId: org, beforeId: events[0]?.id }, 10)).map((e) => e.action)).toEqual(['agent_key.created']);
  });

  it('keeps installation events apart from any organization', async () => {
    await recordAuditEvent(store.db, { organizationId: null, actor: { userId: null, label: 'x@example.com' }, action: 'session.sign_in_failed' });
    expect((await listAuditEvents(store.db, { organizationId: null }, 10)).map((e) => e.action)).toEqual(['session.sign_in_failed']);
    expect(await firstOrganizationId(store.db)).toBe(org);
  });

  it('refuses to change a recorded event', async () => {
    await expect(store.db.deleteFrom('audit_events').where('organization_id', '=', org).execute()).rejects.toThrow();
  });
});
