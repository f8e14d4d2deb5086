// Payload rows as ingest commits them, for the tests of the activities and workflows (exported as
// @logstag/activities/testing): valid runtime collections, a poison one, and the insert of any payload JSON.
import { randomUUID } from 'node:crypto';
import type { Insertable, Kysely } from 'kysely';
import type { Database } from '@logstag/store';
import { payloadBodyFromJson } from '@logstag/store';

/** A payload's JSON as an agent sends it; only the fields its row's columns copy are typed. */
export type PayloadJson = Record<string, unknown> & {
  id: string;
  agentId: string;
  kind: Insertable<Database['payloads']>['kind'];
  collectedAt: string;
  targetId?: string;
  engine?: string;
  category?: string;
};

export type Body = PayloadJson & { targetId: string; engine: string; category: string };

export function validBody(targetId = 'pg-main', at = new Date()): Body {
  return {
    id: randomUUID(),
    kind: 'collection',
    agentId: 'agent-1',
    targetId,
    engine: 'postgresql',
    category: 'runtime',
    collectedAt: at.toISOString(),
    schemaVersion: 1,
    replayed: false,
    data: { connections: { total: 3, max: 100 } },
  };
}

/**
 * Passes today's validation but cannot be stored: a NUL in a pg_stat_statements query text, which PostgreSQL's text
 * and jsonb types refuse (the door may refuse it one day; this row is inserted behind the door).
 */
export function poisonBody(targetId = 'pg-main', at = new Date()): Body {
  return {
    ...validBody(targetId, at),
    category: 'workload',
    data: { statements: [{ queryid: '42', datname: 'shop', calls: 3, total_exec_time: 1.5, rows: 3, query: "select 'a\u0000b'" }] },
  };
}

/**
 * Commits payloads of one organization as ingest does, in one insert; `columns` sets more of each row, such as the
 * dispatcher's claim. Returns the ids in the order given.
 */
export async function insertPayloadRows(
  db: Kysely<Database>,
  organizationId: string,
  bodies: readonly PayloadJson[],
  columns: Partial<Insertable<Database['payloads']>> = {},
): Promise<string[]> {
  const stored = await Promise.all(bodies.map((b) => payloadBodyFromJson(b)));
  await db
    .insertInto('payloads')
    .values(
      bodies.map((b, i) => ({
        id: b.id,
        organization_id: organizationId,
        agent_id: b.agentId,
        target_id: b.targetId ?? null,
        engine: b.engine ?? null,
        category: b.category ?? null,
        kind: b.kind,
        collected_at: b.collectedAt,
        replayed: false,
        ...columns,
        ...stored[i]!,
      })),
    )
    .execute();
  return bodies.map((b) => b.id);
}

export async function insertPayloadRow(db: Kysely<Database>, body: Body, organizationId = 'org-1'): Promise<string> {
  await insertPayloadRows(db, organizationId, [body]);
  return body.id;
}
