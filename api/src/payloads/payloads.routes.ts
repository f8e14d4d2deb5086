import { Router } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '@logstag/store';
import { ingestPayloadViewSchema, pageOf, PAYLOAD_LIST_STATUSES } from '@logstag/schema/api';
import { principalOf, requirePermission } from '../auth/access';
import { auditContextOf } from '../audit';
import { ApiError } from '../http/api-error';
import { decodeCursor, paginationQuery, toPage } from '../http/pagination';
import type { ApiRegistry } from '../http/api-registry';
import { listFailedPayloads, listStuckPayloads, type PayloadListRow, type StuckThreshold } from '@logstag/store';
import { createPayloadsService, payloadView } from './payloads.service';

const listQuery = paginationQuery.extend({ status: z.enum(PAYLOAD_LIST_STATUSES).default('failed') });
const idParams = z.object({ id: z.string() });
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The keyset cursor: the sort time and id of the previous page's last row. */
const cursorOf = (at: Date | null, id: string) => `${at?.toISOString() ?? ''}|${id}`;

function afterCursor(cursor: string | undefined): { at: Date; id: string } | undefined {
  const raw = decodeCursor(cursor);
  if (raw === undefined) return undefined;
  const [at, id] = raw.split('|');
  const time = new Date(at ?? '');
  if (!id || !UUID.test(id) || Number.isNaN(time.getTime())) throw new ApiError(400, 'validation_failed', 'cursor is not one this list returned; start again without it');
  return { at: time, id };
}

/** A path id that is not a uuid names no payload (and must not reach the uuid column as a 500). */
function payloadId(id: string): string {
  if (!UUID.test(id)) throw new ApiError(404, 'not_found', 'payload not found');
  return id;
}

/**
 * Failed and stuck payloads of the caller's organization, for Admins: list, retry, discard. Retries and discards are
 * audit-logged (`payload.retried`, `payload.discarded`).
 */
export function payloadsRoutes(api: ApiRegistry, { db, stuck }: { db: Kysely<Database>; stuck: StuckThreshold }): Router {
  const router = Router();
  const service = createPayloadsService(db, stuck);
  const access = requirePermission('payloads:manage');
  const tag = 'Failed payloads';

  api.add(router, {
    method: 'get',
    path: '/api/payloads',
    tag,
    summary: 'Failed payloads (newest failure first), or stuck ones: accepted but unfinished for too long',
    access,
    query: listQuery,
    response: pageOf(ingestPayloadViewSchema),
    handle: async ({ query }, req) => {
      const org = principalOf(req).organizationId;
      const after = afterCursor(query.cursor);
      if (query.status === 'failed') {
        const rows = await listFailedPayloads(db, org, after, query.limit + 1);
        return toPage(rows, query.limit, (p: PayloadListRow) => cursorOf(p.failed_at, p.id), payloadView);
      }
      const rows = await listStuckPayloads(db, org, stuck, after, query.limit + 1);
      return toPage(rows, query.limit, (p: PayloadListRow) => cursorOf(p.received_at, p.id), payloadView);
    },
  });

  for (const action of ['retry', 'discard'] as const) {
    api.add(router, {
      method: 'post',
      path: `/api/payloads/:id/${action}`,
      tag,
      summary:
        action === 'retry'
          ? 'Send a failed or stuck payload through the pipeline again (audit-logged)'
          : 'Give a failed or stuck payload up: never dispatched again, its bytes kept (audit-logged)',
      access,
      params: idParams,
      response: ingestPayloadViewSchema,
      errors: [404, 409],
      handle: async ({ params }, req) => service[action](principalOf(req).organizationId, payloadId(params.id), auditContextOf(req)),
    });
  }
  return router;
}
