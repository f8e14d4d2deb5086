// Silences and maintenance windows: which alerts they match, and when a window is open. Windows are written in local
// wall-clock time of their time zone (a 02:00–04:00 window stays 02:00–04:00 across daylight-saving changes), with an
// optional RFC 5545 recurrence (`FREQ=WEEKLY;BYDAY=SU`) expanded by the rrule package over local time, then each
// occurrence is placed in UTC with the zone's offset on that day.
import * as rruleModule from 'rrule';

// rrule ships CommonJS as `main` and ESM as `module` without an `exports` map: Node (tsx, the server) loads the CommonJS
// build, whose named exports it cannot see, while bundlers load the ESM one. The namespace has RRule either way.
const { RRule } = ('RRule' in rruleModule ? rruleModule : (rruleModule as unknown as { default: typeof rruleModule }).default) as typeof rruleModule;
import { z } from 'zod';


/** What a silence or a window applies to: all must match (empty lists and no tags match everything). */
export const alertMatchersSchema = z.object({
  ruleIds: z.array(z.string().min(1).max(200)).max(100).default([]),
  targetIds: z.array(z.string().min(1).max(200)).max(500).default([]),
  tags: z.record(z.string().max(100), z.string().max(200)).default({}),
});
export type AlertMatchers = z.infer<typeof alertMatchersSchema>;

export const silenceInputSchema = z.object({
  matchers: alertMatchersSchema,
  reason: z.string().trim().min(1).max(500),
  startsAt: z.iso.datetime().optional(),
  endsAt: z.iso.datetime(),
});
export type SilenceInput = z.infer<typeof silenceInputSchema>;

const localDateTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/, 'a local date and time, e.g. 2026-12-06T02:00')
  // A day of the calendar from 1970 on: "0000-00-00T00:00" matches the pattern and made the server fail (500).
  .refine(isCalendarDateTime, 'a local date and time that exists, from 1970, e.g. 2026-12-06T02:00');

function isCalendarDateTime(text: string): boolean {
  const [y = NaN, mo = NaN, d = NaN, h = NaN, mi = NaN, sec = 0] = text.split(/[-T:]/).map(Number);
  const t = new Date(Date.UTC(y, mo - 1, d, h, mi, sec));
  return y >= 1970 && t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d && t.getUTCHours() === h && t.getUTCMinutes() === mi && t.getUTCSeconds() === sec;
}

export const maintenanceWindowInputSchema = z.object({
  name: z.string().trim().min(1).max(200),
  /** Targets and tags only: a window is about databases, not rules. */
  matchers: alertMatchersSchema.omit({ ruleIds: true }),
  /** Wall-clock start in `timeZone` (the first occurrence when recurring). */
  start: localDateTime,
  durationMinutes: z.number().int().min(1).max(7 * 24 * 60),
  timeZone: z.string().min(1).max(100).refine(isTimeZone, 'an IANA time zone, e.g. Europe/Paris'),
  /** RFC 5545 RRULE without DTSTART (`FREQ=WEEKLY;BYDAY=SU`); null: once. */
  rrule: z.string().max(500).nullable().default(null).refine((r) => r === null || parsesRrule(r), 'an RRULE such as FREQ=WEEKLY;BYDAY=SU'),
});
export type MaintenanceWindowInput = z.infer<typeof maintenanceWindowInputSchema>;

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function parsesRrule(r: string): boolean {
  try {
    const o = RRule.parseString(r.replace(/^RRULE:/i, ''));
    // parseString takes unknown values quietly (FREQ=SOMETIMES): a rule is valid when its frequency is known.
    return typeof o.freq === 'number' && o.freq in RRule.FREQUENCIES && !/NaN/.test(new RRule(o).toString());
  } catch {
    return false;
  }
}

export function matches(m: { ruleIds?: readonly string[]; targetIds: readonly string[]; tags: Record<string, string> }, alert: { ruleId: string; targetId: string | null; tags: Record<string, string> }): boolean {
  if (m.ruleIds && m.ruleIds.length > 0 && !m.ruleIds.includes(alert.ruleId)) return false;
  if (m.targetIds.length > 0 && (!alert.targetId || !m.targetIds.includes(alert.targetId))) return false;
  return Object.entries(m.tags).every(([k, v]) => alert.tags[k] === v);
}

/** The zone's offset from UTC (ms) at an instant. */
function offsetAt(timeZone: string, utcMs: number): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }).formatToParts(new Date(utcMs));
  const n = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  return Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second')) - Math.floor(utcMs / 1000) * 1000;
}

/**
 * The UTC instant of a wall-clock time in a zone (wall clock given as a UTC-fielded ms value). A time skipped by a
 * spring-forward gap lands after the gap; an ambiguous one in the autumn takes the first (earlier) instant.
 */
export function zonedToUtc(wallMs: number, timeZone: string): number {
  let guess = wallMs - offsetAt(timeZone, wallMs);
  for (let i = 0; i < 3; i++) {
    const next = wallMs - offsetAt(timeZone, guess);
    if (next === guess) break;
    guess = next;
  }
  // Ambiguous (autumn): an hour earlier reads the same wall clock too; take it.
  const earlier = guess - 3_600_000;
  if (earlier + offsetAt(timeZone, earlier) === wallMs) return earlier;
  return guess;
}

const wallOf = (local: string) => Date.parse(`${local.length === 16 ? `${local}:00` : local}Z`);

/**
 * The occurrence of a window that is open at `atMs`, as UTC [start, end), or null. Occurrences are expanded in local
 * wall-clock time (floating), so a weekly 02:00 window is at 02:00 local on both sides of a DST change.
 */
export function openWindowAt(w: Pick<MaintenanceWindowInput, 'start' | 'durationMinutes' | 'timeZone' | 'rrule'>, atMs: number): { start: number; end: number } | null {
  const duration = w.durationMinutes * 60_000;
  const firstWall = wallOf(w.start);
  const candidates: number[] = [];
  if (!w.rrule) candidates.push(firstWall);
  else {
    const rule = new RRule({ ...RRule.parseString(w.rrule.replace(/^RRULE:/i, '')), dtstart: new Date(firstWall), tzid: null });
    // The wall clock of `at` bounds the search: occurrences starting up to a duration (+ a day of offset margin) earlier.
    const atWall = atMs + offsetAt(w.timeZone, atMs);
    for (const d of rule.between(new Date(atWall - duration - 86_400_000), new Date(atWall + 86_400_000), true)) candidates.push(d.getTime());
  }
  for (const wall of candidates) {
    const start = zonedToUtc(wall, w.timeZone);
    const end = zonedToUtc(wall + duration, w.timeZone);
    if (atMs >= start && atMs < end) return { start, end };
  }
  return null;
}

/**
 * The occurrence of a window that is open at `atMs`, else the next one to open, as UTC [start, end); null when none
 * is left (a one-off in the past, a recurrence past its COUNT or UNTIL). What the maintenance windows page lists.
 */
export function nextWindowOccurrence(w: Pick<MaintenanceWindowInput, 'start' | 'durationMinutes' | 'timeZone' | 'rrule'>, atMs: number): { start: number; end: number } | null {
  const duration = w.durationMinutes * 60_000;
  const place = (wall: number) => ({ start: zonedToUtc(wall, w.timeZone), end: zonedToUtc(wall + duration, w.timeZone) });
  if (!w.rrule) {
    const once = place(wallOf(w.start));
    return once.end > atMs ? once : null;
  }
  const rule = new RRule({ ...RRule.parseString(w.rrule.replace(/^RRULE:/i, '')), dtstart: new Date(wallOf(w.start)), tzid: null });
  // Around the wall clock of `at` (a duration and a day of offset margin before, a day after), the first occurrence not
  // yet over; past that, the first one after.
  const atWall = atMs + offsetAt(w.timeZone, atMs);
  for (const d of rule.between(new Date(atWall - duration - 86_400_000), new Date(atWall + 86_400_000), true)) {
    const o = place(d.getTime());
    if (o.end > atMs) return o;
  }
  const later = rule.after(new Date(atWall + 86_400_000), false);
  return later ? place(later.getTime()) : null;
}
