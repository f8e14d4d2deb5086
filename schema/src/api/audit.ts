import * as z from 'zod/mini';
import { isoTime } from './common';

/** One audit log entry (GET /api/audit-events). `before`/`after` are what the action changed, as it recorded them. */
export const auditEventSchema = z.object({
  id: z.string(),
  time: isoTime,
  actor: z.string(),
  actorUserId: z.nullable(z.string()),
  action: z.string(),
  object: z.nullable(z.object({ type: z.string(), id: z.nullable(z.string()) })),
  ip: z.nullable(z.string()),
  userAgent: z.nullable(z.string()),
  before: z.unknown(),
  after: z.unknown(),
});
export type AuditEvent = z.infer<typeof auditEventSchema>;

/** The audit list's filters as the web sends them (dates as ISO 8601). */
export interface AuditFilter {
  actor?: string | undefined;
  action?: string | undefined;
  objectType?: string | undefined;
  objectId?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  cursor?: string | undefined;
  limit?: number | undefined;
}
