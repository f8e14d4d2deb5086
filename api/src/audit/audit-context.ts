import type { Request } from 'express';
import type { AuditEventInput } from '@logstag/store';
import { clientAddressOf } from '../auth/client-address';
import '../auth/request-auth';

/** The who-and-where part of an audit event, which services take from their routes. */
export type AuditContext = Pick<AuditEventInput, 'organizationId' | 'actor' | 'ip' | 'userAgent'>;

/**
 * The who-and-where part of an audit event for a signed-in request. Features spread it:
 * `recordAuditEvent(trx, { ...auditContextOf(req), action: 'alert.acknowledged', object: { type: 'alert', id } })`.
 */
export function auditContextOf(req: Request): AuditContext {
  return {
    organizationId: req.auth?.organizationId ?? null,
    actor: req.auth ? { userId: req.auth.userId, label: req.auth.email } : { userId: null, label: 'anonymous' },
    ...requestClient(req),
  };
}

/** Where a request came from, as audit events record it (signed in or not). */
export function requestClient(req: Request): { ip: string | null; userAgent: string | null } {
  return { ip: clientAddressOf(req), userAgent: req.get('user-agent') ?? null };
}
