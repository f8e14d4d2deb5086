import { obfuscateQueryText } from '../../privacy/obfuscate';
import type { TargetSpec } from '../types';

/** Statement text as the target's query_text setting allows it (obfuscated by default, MySQL lexing rules). */
export function statementText(target: TargetSpec, text: unknown): string | null {
  if (typeof text !== 'string' && !Buffer.isBuffer(text)) return null;
  return obfuscateQueryText(String(text), target.queryText, target.queryTextMaxLength, 'mysql');
}

/** mysql2 returns BIGINT as number and DECIMAL as number (decimalNumbers); NULL and non-numeric strings become null. */
export function num(v: unknown): number | null {
  if (v === null || v === undefined || v === '') return null;
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : null;
}

export function str(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  return Buffer.isBuffer(v) ? v.toString('utf8') : String(v);
}
