// How the maintenance windows page tells a window's schedule and its occurrences: in the window's own wall-clock
// time (what its author wrote), with UTC beside it. Built from numeric parts, so server and browser render the same text.
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const RRULE_DAYS: Record<string, string> = { MO: 'Mon', TU: 'Tue', WE: 'Wed', TH: 'Thu', FR: 'Fri', SA: 'Sat', SU: 'Sun' };
export const DAY_CODES = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;
export const dayName = (code: string) => RRULE_DAYS[code] ?? code;

/** An instant's wall clock in a zone: `Sun 2026-12-13 02:00`. */
export function wallClock(iso: string, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }).formatToParts(new Date(iso));
  const n = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  const weekday = WEEKDAYS[new Date(Date.UTC(Number(n('year')), Number(n('month')) - 1, Number(n('day')))).getUTCDay()];
  return `${weekday} ${n('year')}-${n('month')}-${n('day')} ${n('hour')}:${n('minute')}`;
}

export const utcClock = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;

export function durationText(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return h === 0 ? `${m} min` : m === 0 ? `${h} h` : `${h} h ${m} min`;
}

/** "Every day at 02:00", "Every Sun, Sat at 02:00", "Once on 2026-12-06 at 02:00", else the RRULE as written. */
export function scheduleText(w: { start: string; rrule: string | null; durationMinutes: number }): { text: string; rule: string | null } {
  const [date, time] = [w.start.slice(0, 10), w.start.slice(11, 16)];
  const lasting = `for ${durationText(w.durationMinutes)}`;
  if (!w.rrule) return { text: `Once on ${date} at ${time}, ${lasting}`, rule: null };
  const parts = Object.fromEntries(
    w.rrule
      .replace(/^RRULE:/i, '')
      .split(';')
      .map((p) => p.split('=') as [string, string]),
  );
  const keys = Object.keys(parts).sort().join(',');
  if (keys === 'FREQ' && parts.FREQ === 'DAILY') return { text: `Every day at ${time}, ${lasting}, from ${date}`, rule: null };
  if (keys === 'BYDAY,FREQ' && parts.FREQ === 'WEEKLY' && /^(MO|TU|WE|TH|FR|SA|SU)(,(MO|TU|WE|TH|FR|SA|SU))*$/.test(parts.BYDAY ?? '')) {
    return { text: `Every ${(parts.BYDAY ?? '').split(',').map(dayName).join(', ')} at ${time}, ${lasting}, from ${date}`, rule: null };
  }
  return { text: `From ${date} at ${time}, ${lasting}, repeating by`, rule: w.rrule };
}
