// Payload rows as ingest commits them, for the store activity's tests: valid runtime collections and a poison one.
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '@logstag/store';
import { payloadBodyFromJson } from '@logstag/store';

export type Body = Record<string, unknown> & { id: string; targetId: string; collectedAt: string; engine: string; category: string };

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

export async function insertPayloadRow(db: Kysely<Database>, body: Body, organizationId = 'org-1'): Promise<string> {
  await db
    .insertInto('payloads')
    .values({
      id: body.id,
      organization_id: organizationId,
      agent_id: 'agent-1',
      target_id: body.targetId,
      engine: body.engine,
      category: body.category,
      kind: 'collection',
      collected_at: body.collectedAt,
      replayed: false,
      ...(await payloadBodyFromJson(body)),
    })
    .execute();
  return body.id;
}
