import type { HealthItem, HealthSeries } from '../input';
import type { FindingDraft, RuleContext } from '../rule';

export function num(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' && /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(v.trim())) return Number(v);
  return null;
}

export const pct = (part: number, whole: number): number => (whole > 0 ? Math.round((1000 * part) / whole) / 10 : 0);

/** The value of a setting, or skipped when this server did not report it (never a silent pass). */
export function requireSetting(ctx: RuleContext, name: string): string {
  const v = ctx.setting(name);
  if (v === null) return ctx.skip(`the server did not report the setting ${name}`);
  return v;
}

/** PostgreSQL's pg_settings value in bytes (unit 8kB, kB, MB), or null. */
export function pgBytes(item: HealthItem | undefined): number | null {
  const v = num(item?.def.setting);
  if (v === null) return null;
  const unit = typeof item?.def.unit === 'string' ? item.def.unit : '';
  const m = /^(\d*)\s*(B|kB|MB|GB)$/.exec(unit);
  if (!m) return v;
  const factor = { B: 1, kB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 }[m[2] as 'B'] ?? 1;
  return v * (m[1] ? Number(m[1]) : 1) * factor;
}

/** A finding on one setting, with its value as evidence. */
export function settingFinding(name: string, value: string, message: string, extra: FindingDraft['evidence'] = {}): FindingDraft {
  return { object: name, message, evidence: { setting: name, value, ...extra } };
}

/** One finding when `bad(value)` holds for a setting the server reported. */
export function settingCheck(name: string, bad: (v: string) => boolean, message: (v: string) => string) {
  return (ctx: RuleContext): FindingDraft[] => {
    const v = requireSetting(ctx, name);
    return bad(v) ? [settingFinding(name, v, message(v))] : [];
  };
}

export const isOff = (v: string): boolean => /^(off|0|false|no)$/i.test(v.trim());
export const isOn = (v: string): boolean => /^(on|1|true|yes)$/i.test(v.trim());

/** The sum of a delta series over the window, summed across its label sets; null when nothing was stored in it. */
export function windowSum(list: readonly HealthSeries[]): number | null {
  let total: number | null = null;
  for (const s of list) if (s.windowSum !== null) total = (total ?? 0) + s.windowSum;
  return total;
}

/** Series grouped by one label's value. */
export function byLabel(list: readonly HealthSeries[], label: string): Map<string, HealthSeries> {
  return new Map(list.map((s) => [s.labels[label] ?? '', s]));
}

/** Groups several metrics by their label set (`datname`, `schema`, `table`…), for per-object rules. */
export function rowsByLabels(ctx: RuleContext, metrics: readonly string[]): Array<{ labels: Record<string, string>; values: Record<string, number> }> {
  const rows = new Map<string, { labels: Record<string, string>; values: Record<string, number> }>();
  for (const metric of metrics) {
    for (const s of ctx.series(metric)) {
      const key = JSON.stringify(Object.entries(s.labels).sort());
      const row = rows.get(key) ?? { labels: s.labels, values: {} };
      row.values[metric.slice(metric.indexOf('.') + 1)] = s.value;
      rows.set(key, row);
    }
  }
  return [...rows.values()];
}

/** Sessions seen in the window's runtime snapshots, each once (its longest observation). */
export function longestSessions(ctx: RuleContext, keep: (s: RuleContext['activity'][number]['sessions'][number]) => boolean) {
  const byId = new Map<string, { s: RuleContext['activity'][number]['sessions'][number]; ts: string; samples: number }>();
  for (const sample of ctx.activity) {
    for (const s of sample.sessions) {
      if (!keep(s)) continue;
      const prev = byId.get(s.id);
      if (!prev || (s.durationSeconds ?? 0) > (prev.s.durationSeconds ?? 0)) byId.set(s.id, { s, ts: sample.ts, samples: (prev?.samples ?? 0) + 1 });
      else prev.samples += 1;
    }
  }
  return [...byId.values()];
}

/** Text from the monitored server, cut for a finding's evidence (escaped where it is displayed). */
export const excerpt = (text: string | null, max = 200): string | null => (text === null ? null : text.length > max ? `${text.slice(0, max)}…` : text);

export const GB = 1024 ** 3;
export const MB = 1024 ** 2;
