import { alertAdminApi } from '$lib/api/alert-admin';
import { apiFor, loadOr } from '$lib/server/api';
import { field } from '$lib/server/form-failure';
import { adminFailure, fieldsFailure, targetsAndTagsOf, valuesOf, type FieldIssue } from '../admin-form';
import { DAY_CODES } from './schedule';
import type { Actions, PageServerLoad } from './$types';

/** Every IANA zone this server knows (the API checks the same way), UTC first. */
const TIME_ZONES = ['UTC', ...Intl.supportedValuesOf('timeZone').filter((z) => z !== 'UTC')];

export const load = (async (event) => {
  const { session } = await event.parent();
  const [windows, targets] = await loadOr(event.url, () => Promise.all([alertAdminApi(event.fetch).windows(), apiFor(event).inventory()]));
  return {
    canManage: session.permissions.includes('alert-rules:manage'),
    windows: windows.items,
    targetIds: targets.items.map((t) => t.targetId),
    timeZones: TIME_ZONES,
    now: Date.now(),
  };
}) satisfies PageServerLoad;

/** The recurrence from the editor's choice: once, daily, weekly on days, or an RRULE as written. */
function rruleOf(data: FormData, issues: FieldIssue[]): string | null {
  const repeat = field(data, 'repeat');
  if (repeat === 'daily') return 'FREQ=DAILY';
  if (repeat === 'weekly') {
    const days = DAY_CODES.filter((d) => data.getAll('days').includes(d));
    if (days.length === 0) issues.push({ path: 'rrule', message: 'pick at least one day of the week' });
    return `FREQ=WEEKLY;BYDAY=${days.join(',')}`;
  }
  if (repeat === 'custom') {
    const rule = field(data, 'rrule').trim().replace(/^RRULE:/i, '');
    if (!rule) issues.push({ path: 'rrule', message: 'an RRULE such as FREQ=MONTHLY;BYDAY=1SU' });
    return rule;
  }
  return null;
}

export const actions = {
  create: async (event) => {
    const data = await event.request.formData();
    const values = valuesOf(data);
    const issues: FieldIssue[] = [];
    const matchers = targetsAndTagsOf(field(data, 'targetIds'), field(data, 'tags'), issues);
    if (matchers.targetIds.length === 0 && Object.keys(matchers.tags).length === 0 && field(data, 'everything') !== 'on') {
      issues.push({ path: 'matchers', message: 'name targets or tags, or tick "every target" for a window over everything' });
    }
    const rrule = rruleOf(data, issues);
    const duration = field(data, 'durationMinutes').trim() === '' ? Number.NaN : Number(field(data, 'durationMinutes'));
    if (!Number.isFinite(duration)) issues.push({ path: 'durationMinutes', message: 'a number of minutes' });
    if (issues.length) return fieldsFailure(issues, values);
    const input = { name: field(data, 'name'), matchers, start: field(data, 'start'), durationMinutes: duration, timeZone: field(data, 'timeZone'), rrule };
    try {
      const w = await alertAdminApi(event.fetch).createWindow(input);
      return { done: `Maintenance window "${w.name}" added.`, created: true };
    } catch (err) {
      return adminFailure(err, values);
    }
  },
  delete: async (event) => {
    const data = await event.request.formData();
    try {
      await alertAdminApi(event.fetch).deleteWindow(field(data, 'id'));
    } catch (err) {
      return adminFailure(err);
    }
    return { done: `Maintenance window "${field(data, 'name')}" removed.` };
  },
} satisfies Actions;
