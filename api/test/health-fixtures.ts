// The Health Check API tests' common start: the recorded PostgreSQL collections (api/test/fixtures/postgresql.jsonl)
// as fresh collections of the last minute for one target, sent through the ingest door and waited for until stored.
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { v7 as uuidv7 } from 'uuid';
import type { OrgWithRoles } from './accounts-fixtures';
import { postPayload, waitFor, type TestContext } from './context';

/** The recorded collections with new ids, for `targetId`, 3 s apart and ending now. */
export function recordedPostgresBodies(targetId: string): Array<Record<string, unknown>> {
  const lines = readFileSync(new URL('./fixtures/postgresql.jsonl', import.meta.url), 'utf8').trim().split('\n');
  const now = Date.now();
  return lines.map((l, i) => ({ ...(JSON.parse(l) as Record<string, unknown>), id: uuidv7(), targetId, collectedAt: new Date(now - (lines.length - i) * 3_000).toISOString() }));
}

/** Sends them with the organization's agent key (each answered 202) and waits until all are stored. */
export async function ingestRecordedPostgres(ctx: TestContext, org: OrgWithRoles, targetId: string): Promise<void> {
  const bodies = recordedPostgresBodies(targetId);
  for (const body of bodies) expect((await postPayload(ctx.url, body, { key: org.agentKey })).status).toBe(202);
  await waitFor(async () => {
    const r = await ctx.app.store.db.selectFrom('payloads').select((eb) => eb.fn.countAll<number>().as('n')).where('organization_id', '=', org.organizationId).where('status', '=', 'stored').executeTakeFirst();
    return Number(r?.n) >= bodies.length;
  }, 30_000, 'the recorded payloads stored');
}
