import { Router, type Request, type Response } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { AuditEventRow, Database } from '@logstag/store';
import { auditEventSchema, pageOf, type AuditEvent } from '@logstag/schema/api';
import { principalOf, requirePermission } from '../auth/access';
import { decodeCursor, paginationQuery, toPage } from '../http/pagination';
import { dateTimeInput } from '../http/date-time';
import type { ApiRegistry } from '../http/api-registry';
import { csvLine } from './audit-csv';
import { ApiError } from '../http/api-error';
import { firstOrganizationId, listAuditEvents, type AuditEventFilter } from '@logstag/store';

const auditQuery = paginationQuery.extend({
  actor: z.string().max(320).optional(),
  action: z.string().max(100).optional(),
  objectType: z.string().max(100).optional(),
  objectId: z.string().max(200).optional(),
  from: dateTimeInput.optional(),
  to: dateTimeInput.optional(),
  format: z.enum(['json', 'csv']).default('json'),
  /** `installation`: the events of no organization (failed sign-ins for unknown addresses), see firstOrganizationId. */
  scope: z.enum(['organization', 'installation']).default('organization'),
});

type AuditQuery = z.output<typeof auditQuery>;

const CSV_COLUMNS = ['id', 'created_at', 'actor', 'actor_user_id', 'action', 'object_type', 'object_id', 'ip', 'user_agent', 'before', 'after'] as const;
const CSV_PAGE = 1_000;

function toJson(row: AuditEventRow): AuditEvent {
  return {
    id: String(row.id),
    time: row.created_at.toISOString(),
    actor: row.actor,
    actorUserId: row.actor_user_id,
    action: row.action,
    object: row.object_type ? { type: row.object_type, id: row.object_id } : null,
    ip: row.ip,
    userAgent: row.user_agent,
    before: row.before ?? null,
    after: row.after ?? null,
  };
}

function cursorId(cursor: string | undefined): number | undefined {
  const raw = decodeCursor(cursor);
  const id = raw === undefined ? undefined : Number(raw);
  return id !== undefined && Number.isSafeInteger(id) ? id : undefined;
}

export function auditRoutes(api: ApiRegistry, { db }: { db: Kysely<Database> }): Router {
  const router = Router();

  async function sendCsv(filter: AuditEventFilter, res: Response) {
    res.type('text/csv; charset=utf-8').attachment('audit-events.csv');
    res.write(csvLine(CSV_COLUMNS));
    // Paged by id so an export of a long history never holds it all in memory.
    for (let beforeId = filter.beforeId; ; ) {
      const rows = await listAuditEvents(db, { ...filter, beforeId }, CSV_PAGE);
      for (const row of rows) res.write(csvLine(CSV_COLUMNS.map((c) => row[c])));
      if (rows.length < CSV_PAGE) break;
      beforeId = rows.at(-1)?.id;
    }
    res.end();
  }

  async function handle(q: AuditQuery, req: Request, res: Response, forceCsv: boolean) {
    const own = principalOf(req).organizationId;
    if (q.scope === 'installation' && own !== (await firstOrganizationId(db))) {
      throw new ApiError(403, 'forbidden', 'installation events are for the Account Owners of the first organization, the one created at first run');
    }
    const filter: AuditEventFilter = {
      organizationId: q.scope === 'installation' ? null : own,
      actor: q.actor,
      action: q.action,
      objectType: q.objectType,
      objectId: q.objectId,
      from: q.from,
      to: q.to,
      beforeId: cursorId(q.cursor),
    };
    if (forceCsv || q.format === 'csv') {
      await sendCsv(filter, res);
      return undefined;
    }
    const rows = await listAuditEvents(db, filter, q.limit + 1);
    return toPage(rows, q.limit, (r) => r.id, toJson);
  }

  const access = requirePermission('audit:read');
  api.add(router, {
    method: 'get',
    path: '/api/audit-events',
    tag: 'Audit log',
    summary: "The organization's audit log, newest first (format=csv: the same as CSV)",
    access,
    query: auditQuery,
    response: pageOf(auditEventSchema),
    alsoAnswers: { text: 'text/csv', description: 'With format=csv: the same events as CSV, paged through in full' },
    handle: async ({ query }, req, res) => {
      const page = await handle(query, req, res, false);
      // format=csv has been written as CSV; the registry sends nothing more once headers are out.
      return page ?? { items: [], nextCursor: null };
    },
  });
  api.add(router, {
    method: 'get',
    path: '/api/audit-events.csv',
    tag: 'Audit log',
    summary: "The organization's audit log as CSV, paged through in full",
    access,
    query: auditQuery,
    response: { text: 'text/csv', description: `CSV with the columns ${CSV_COLUMNS.join(', ')}` },
    handle: async ({ query }, req, res) => {
      await handle(query, req, res, true);
    },
  });
  return router;
}
