// The next occurrence of a maintenance window, as the maintenance windows page lists it: the one open now, else the
// next to open, in local wall-clock time of the window's zone across daylight-saving changes; none once it is over.
import { describe, expect, it } from 'vitest';
import { nextWindowOccurrence } from '../src/maintenance';

const at = (iso: string) => Date.parse(iso);
const iso = (o: { start: number; end: number } | null) => o && { start: new Date(o.start).toISOString(), end: new Date(o.end).toISOString() };

describe('next maintenance window occurrence', () => {
  const sundays = { start: '2026-12-06T02:00', durationMinutes: 120, timeZone: 'Europe/Berlin', rrule: 'FREQ=WEEKLY;BYDAY=SU' };

  it('gives the next Sunday 02:00 Berlin (UTC+1 in winter) from a Saturday, and the open one while it is open', () => {
    expect(iso(nextWindowOccurrence(sundays, at('2026-12-12T12:00:00Z')))).toEqual({ start: '2026-12-13T01:00:00.000Z', end: '2026-12-13T03:00:00.000Z' });
    // Open now (02:30 Berlin): that occurrence, not next week's.
    expect(iso(nextWindowOccurrence(sundays, at('2026-12-13T01:30:00Z')))).toEqual({ start: '2026-12-13T01:00:00.000Z', end: '2026-12-13T03:00:00.000Z' });
    // Just over: next week's.
    expect(iso(nextWindowOccurrence(sundays, at('2026-12-13T03:00:00Z')))?.start).toBe('2026-12-20T01:00:00.000Z');
    // Before the first occurrence: the first.
    expect(iso(nextWindowOccurrence(sundays, at('2026-11-01T00:00:00Z')))?.start).toBe('2026-12-06T01:00:00.000Z');
  });

  it('keeps 02:00 local after the spring change (UTC+2: 00:00 UTC)', () => {
    // 28 March 2027 is the change itself: 02:00 does not exist and lands after the gap (03:00 CEST = 01:00 UTC).
    expect(iso(nextWindowOccurrence(sundays, at('2027-03-27T12:00:00Z')))?.start).toBe('2027-03-28T01:00:00.000Z');
    expect(iso(nextWindowOccurrence(sundays, at('2027-03-29T12:00:00Z')))?.start).toBe('2027-04-04T00:00:00.000Z');
  });

  it('gives a one-off window until it has ended, then none; a recurrence past its COUNT has none', () => {
    const once = { start: '2026-12-06T02:00', durationMinutes: 60, timeZone: 'America/New_York', rrule: null };
    expect(iso(nextWindowOccurrence(once, at('2026-12-01T00:00:00Z')))).toEqual({ start: '2026-12-06T07:00:00.000Z', end: '2026-12-06T08:00:00.000Z' });
    expect(nextWindowOccurrence(once, at('2026-12-06T08:00:00Z'))).toBeNull();
    const twice = { ...sundays, rrule: 'FREQ=DAILY;COUNT=2' };
    expect(iso(nextWindowOccurrence(twice, at('2026-12-06T12:00:00Z')))?.start).toBe('2026-12-07T01:00:00.000Z');
    expect(nextWindowOccurrence(twice, at('2026-12-08T00:00:00Z'))).toBeNull();
  });

  it('steps through a minutely recurrence to the one open now', () => {
    const every15 = { start: '2026-12-01T00:00', durationMinutes: 5, timeZone: 'UTC', rrule: 'FREQ=MINUTELY;INTERVAL=15' };
    expect(iso(nextWindowOccurrence(every15, at('2026-12-05T10:07:00Z')))?.start).toBe('2026-12-05T10:15:00.000Z');
    expect(iso(nextWindowOccurrence(every15, at('2026-12-05T10:16:00Z')))?.start).toBe('2026-12-05T10:15:00.000Z');
  });
});
