/** The badge tone of a score: green from 90, amber from 70, red below, neutral when no rule ran. */
export function scoreTone(score: number | null): 'ok' | 'warn' | 'danger' | 'neutral' {
  if (score === null) return 'neutral';
  return score >= 90 ? 'ok' : score >= 70 ? 'warn' : 'danger';
}

export const SEVERITY_TONE = { critical: 'danger', high: 'danger', medium: 'warn', low: 'neutral' } as const;
export const CATEGORY_ORDER = ['security', 'maintenance', 'performance', 'configuration', 'schema'] as const;
export const SEVERITY_ORDER = ['critical', 'high', 'medium', 'low'] as const;
