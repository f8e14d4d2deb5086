import pg from 'pg';
import type { StepFailure } from '../step';

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

/** How the payload names a failed step's error. Messages come from the server or from us, never rows. */
export function readPostgresqlFailure(error: unknown): StepFailure {
  if (error instanceof CollectorFailure) return { code: error.code, message: error.message, denied: false, ...(error.fix ? { fix: error.fix } : {}) };
  if (hasSqlState(error)) return { code: SQLSTATE_CODES[error.code] ?? `sqlstate_${error.code}`, message: error.message, denied: error.code === '42501' };
  return { code: 'failed', message: error instanceof Error ? error.message : String(error), denied: false };
}

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
