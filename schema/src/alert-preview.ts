// Pure pieces of alert evaluation shared by the evaluator (activities), the rule preview (API) and the escalation
// simulator: a threshold's values from one collection's points, the episodes a rule would have opened over stored
// data, and the escalation steps of a policy. Import-safe in workflows.
import { thresholdSeverity, type ThresholdCondition } from './alerts';
import type { AlertSeverity } from './notifications';

export interface SeriesPoint {
  metric: string;
  labelsKey: string;
  value: number;
}

/**
 * The value of a threshold per series of its metric in one collection. With `ratioOf`, 100 × metric ÷ the sum of those
 * metrics in the same labels (or unlabelled); a zero or missing denominator (maxmemory 0: no limit) gives no value.
 */
export function thresholdValues(c: Pick<ThresholdCondition, 'metric' | 'ratioOf'>, points: readonly SeriesPoint[]): Array<{ labelsKey: string; value: number }> {
  const byMetric = new Map<string, Map<string, number>>();
  for (const p of points) {
    const m = byMetric.get(p.metric) ?? new Map<string, number>();
    m.set(p.labelsKey, p.value);
    byMetric.set(p.metric, m);
  }
  const out: Array<{ labelsKey: string; value: number }> = [];
  for (const [labelsKey, raw] of byMetric.get(c.metric) ?? []) {
    if (!c.ratioOf || c.ratioOf.length === 0) {
      out.push({ labelsKey, value: raw });
      continue;
    }
    let denominator = 0;
    let seen = false;
    for (const d of c.ratioOf) {
      const series = byMetric.get(d);
      const v = series?.get(labelsKey) ?? series?.get('{}');
      if (v !== undefined) {
        denominator += v;
        seen = true;
      }
    }
    if (seen && denominator > 0) out.push({ labelsKey, value: (100 * raw) / denominator });
  }
  return out;
}

export interface PreviewEpisode {
  series: string;
  firedAt: number;
  resolvedAt: number | null;
  peak: number;
}

/**
 * The episodes a threshold rule would have opened over one series' observations (time-ordered), with the same
 * hysteresis as the alert workflow: fires once the condition has held `for`, resolves once it has been clear for
 * `clearFor`; a flap inside clearFor stays one episode.
 */
export function previewSeries(c: ThresholdCondition, severity: AlertSeverity, series: string, observations: ReadonlyArray<{ ts: number; value: number }>): PreviewEpisode[] {
  const episodes: PreviewEpisode[] = [];
  let holdingSince: number | null = null;
  let clearedAt: number | null = null;
  let open: PreviewEpisode | null = null;
  for (const { ts, value } of observations) {
    const breaching = thresholdSeverity(c, severity, value) !== null;
    if (open && clearedAt !== null && ts - clearedAt >= c.clearForSeconds * 1000) {
      open.resolvedAt = clearedAt + c.clearForSeconds * 1000;
      open = null;
    }
    if (breaching) {
      clearedAt = null;
      holdingSince ??= ts;
      if (open) open.peak = Math.max(open.peak, value);
      else if (ts - holdingSince >= c.forSeconds * 1000) {
        open = { series, firedAt: ts, resolvedAt: null, peak: value };
        episodes.push(open);
      }
    } else {
      holdingSince = null;
      if (open && clearedAt === null) clearedAt = ts;
    }
  }
  return episodes;
}

export { escalationSteps, type EscalationStep } from './escalation';
