/** What a feature records: who did what to which object, from where, and a before/after summary. */
export interface AuditEventInput {
  /** Null only when no organization is known, e.g. a failed sign-in for an unknown address. */
  organizationId: string | null;
  actor: { userId: string | null; label: string };
  /** `<object>.<verb in past tense>`, e.g. `agent_key.revoked`, `alert.acknowledged`. */
  action: string;
  object?: { type: string; id: string } | null;
  ip?: string | null;
  userAgent?: string | null;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
}

// Field names whose values never belong in the audit log, whatever a caller passes in a summary.
const SECRET_FIELD = /(password|passphrase|secret|token|hash|api_?key|authorization|cookie|credential|private)/i;

/** A copy of a summary with secret-looking fields replaced, at any depth. */
export function withoutSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSecrets);
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, SECRET_FIELD.test(k) ? '[redacted]' : withoutSecrets(v)]));
  }
  return value;
}
