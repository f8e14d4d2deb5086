import type { CollectorError } from '@logstag/schema';
import pg from 'pg';

/** A server-reported error (it carries an SQLSTATE), as opposed to a network or protocol failure. */
export function hasSqlState(error: unknown): error is pg.DatabaseError & { code: string } {
  return error instanceof pg.DatabaseError && typeof error.code === 'string';
}

/** An expected, explainable collector failure: what went wrong and the exact statement that fixes it. */
export class CollectorFailure extends Error {
  readonly code: string;
  readonly fix: string | undefined;

  constructor(code: string, message: string, fix?: string) {
    super(message);
    this.name = 'CollectorFailure';
    this.code = code;
    this.fix = fix;
  }
}

/** SQLSTATEs the agent meets in practice, named the way the server shows them to users. */
const SQLSTATE_CODES: Readonly<Record<string, string>> = {
  '42501': 'insufficient_privilege',
  '55P03': 'lock_timeout',
  '57014': 'statement_timeout',
  '42P01': 'undefined_table',
  '42883': 'undefined_function',
  '55000': 'object_not_in_prerequisite_state',
  '3D000': 'invalid_catalog_name',
};

/** The payload's error entry for a failed optional collector. Messages come from the server or from us, never rows. */
export function toCollectorError(collector: string, error: unknown): CollectorError {
  if (error instanceof CollectorFailure) {
    return { collector, code: error.code, message: error.message.slice(0, 2000), ...(error.fix ? { fix: error.fix } : {}) };
  }
  if (hasSqlState(error)) {
    const code = SQLSTATE_CODES[error.code] ?? `sqlstate_${error.code}`;
    const fix = error.code === '42501' ? 'GRANT pg_monitor TO <monitoring user>;' : undefined;
    return { collector, code, message: error.message.slice(0, 2000), ...(fix ? { fix } : {}) };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { collector, code: 'failed', message: message.slice(0, 2000) };
}

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
