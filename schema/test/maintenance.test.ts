// Maintenance windows in local wall-clock time: one-off and recurring (RRULE), across daylight-saving changes, and
// silences' matchers.
import { describe, expect, it } from 'vitest';
import { maintenanceWindowInputSchema, matches, openWindowAt, zonedToUtc } from '../src/maintenance';

const at = (iso: string) => Date.parse(iso);

describe('maintenance windows', () => {
  it('places a one-off window in its time zone', () => {
    const w = { start: '2026-12-06T02:00', durationMinutes: 120, timeZone: 'Europe/Paris', rrule: null };
    // Paris is UTC+1 in December: 02:00–04:00 local is 01:00–03:00 UTC.
    expect(openWindowAt(w, at('2026-12-06T00:59:59Z'))).toBeNull();
    expect(openWindowAt(w, at('2026-12-06T01:00:00Z'))).toEqual({ start: at('2026-12-06T01:00:00Z'), end: at('2026-12-06T03:00:00Z') });
    expect(openWindowAt(w, at('2026-12-06T03:00:00Z'))).toBeNull();
  });

  it('keeps a weekly Sunday 03:00 New York window at 03:00 local on both sides of the spring-forward change', () => {
    const w = { start: '2027-03-07T03:00', durationMinutes: 60, timeZone: 'America/New_York', rrule: 'FREQ=WEEKLY;BYDAY=SU' };
    // 7 March 2027: EST (UTC-5): 08:00 UTC. 14 March 2027 (DST from 02:00): EDT (UTC-4): 07:00 UTC.
    expect(openWindowAt(w, at('2027-03-07T08:30:00Z'))?.start).toBe(at('2027-03-07T08:00:00Z'));
    expect(openWindowAt(w, at('2027-03-14T07:30:00Z'))?.start).toBe(at('2027-03-14T07:00:00Z'));
    expect(openWindowAt(w, at('2027-03-14T08:30:00Z'))).toBeNull();
    expect(openWindowAt(w, at('2027-03-10T08:30:00Z'))).toBeNull();
  });

  it('handles a window inside the autumn repeated hour and one starting in the spring gap', () => {
    // 31 October 2027, Paris: 03:00 CEST → 02:00 CET; 02:30 happens twice: the first (00:30 UTC) is taken.
    expect(zonedToUtc(Date.parse('2027-10-31T02:30:00Z'), 'Europe/Paris')).toBe(at('2027-10-31T00:30:00Z'));
    // 28 March 2027, Paris: 02:00 → 03:00; 02:30 does not exist and lands after the gap (01:30 UTC = 03:30 CEST).
    expect(zonedToUtc(Date.parse('2027-03-28T02:30:00Z'), 'Europe/Paris')).toBe(at('2027-03-28T01:30:00Z'));
  });

  it('refuses an unknown time zone and a malformed RRULE, naming the field', () => {
    const r = maintenanceWindowInputSchema.safeParse({ name: 'w', matchers: {}, start: '2026-12-06T02:00', durationMinutes: 60, timeZone: 'Mars/Olympus', rrule: 'FREQ=SOMETIMES' });
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.path.join('.')).sort()).toEqual(['rrule', 'timeZone']);
  });

  // schemathesis sent "0000-00-00T00:00", which the pattern let through and the server answered with 500.
  it('refuses a start that is no day of the calendar, naming the field', () => {
    for (const start of ['0000-00-00T00:00', '2026-02-30T02:00', '2026-12-06T24:00', '2026-13-01T00:00', '1969-12-31T23:59']) {
      const r = maintenanceWindowInputSchema.safeParse({ name: 'w', matchers: {}, start, durationMinutes: 60, timeZone: 'UTC', rrule: null });
      expect(r.success, start).toBe(false);
      expect(r.error!.issues.map((i) => i.path.join('.'))).toEqual(['start']);
    }
    for (const start of ['2028-02-29T02:00', '2026-12-06T23:59:59']) expect(maintenanceWindowInputSchema.safeParse({ name: 'w', matchers: {}, start, durationMinutes: 60, timeZone: 'UTC', rrule: null }).success, start).toBe(true);
  });

  it('matches silences by rule, target and tags, all of them', () => {
    const alert = { ruleId: 'r1', targetId: 'pg-1', tags: { env: 'prod', team: 'db' } };
    expect(matches({ ruleIds: [], targetIds: [], tags: {} }, alert)).toBe(true);
    expect(matches({ ruleIds: ['r1'], targetIds: ['pg-1'], tags: { env: 'prod' } }, alert)).toBe(true);
    expect(matches({ ruleIds: ['r2'], targetIds: [], tags: {} }, alert)).toBe(false);
    expect(matches({ ruleIds: [], targetIds: [], tags: { env: 'staging' } }, alert)).toBe(false);
    expect(matches({ targetIds: ['pg-1'], tags: {} }, { ...alert, targetId: null })).toBe(false);
  });
});
