import { Router } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '@logstag/store';
import { principalOf, requirePermission } from '../auth/access';
import { auditContextOf } from '../audit';
import { ApiError } from '../http/api-error';
import { decodeCursor, paginationQuery, toPage } from '../http/pagination';
import { parseInput, pathParam } from '../http/validate';
import { listFailedPayloads, listStuckPayloads, type PayloadListRow, type StuckThreshold } from './payloads.repository';
import { createPayloadsService, payloadView } from './payloads.service';

const listQuery = paginationQuery.extend({ status: z.enum(['failed', 'stuck']).default('failed') });
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
export function payloadsRoutes({ db, stuck }: { db: Kysely<Database>; stuck: StuckThreshold }): Router {
  const router = Router();
  const service = createPayloadsService(db, stuck);
  const permission = requirePermission('payloads:manage');

  router.get('/api/payloads', permission, async (req, res) => {
    const q = parseInput(listQuery, req.query);
    const org = principalOf(req).organizationId;
    const after = afterCursor(q.cursor);
    if (q.status === 'failed') {
      const rows = await listFailedPayloads(db, org, after, q.limit + 1);
      res.json(toPage(rows, q.limit, (p: PayloadListRow) => cursorOf(p.failed_at, p.id), payloadView));
    } else {
      const rows = await listStuckPayloads(db, org, stuck, after, q.limit + 1);
      res.json(toPage(rows, q.limit, (p: PayloadListRow) => cursorOf(p.received_at, p.id), payloadView));
    }
  });

  router.post('/api/payloads/:id/retry', permission, async (req, res) => {
    const p = principalOf(req);
    res.json(await service.retry(p.organizationId, payloadId(pathParam(req, 'id')), auditContextOf(req)));
  });

  router.post('/api/payloads/:id/discard', permission, async (req, res) => {
    const p = principalOf(req);
    res.json(await service.discard(p.organizationId, payloadId(pathParam(req, 'id')), auditContextOf(req)));
  });
  return router;
}
