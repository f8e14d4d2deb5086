// The alert actions both Alerts pages post (the list inline, an alert's page): acknowledge, resolve, snooze, reopen.
import type { RequestEvent } from '@sveltejs/kit';
import { alertsApi } from '$lib/api/alerts';
import { field, formFailure } from '$lib/server/form-failure';

const SNOOZE_MINUTES = new Set(['15', '60', '240', '1440']);

export const alertActions = {
  acknowledge: act('acknowledge', 'Acknowledged: escalation stopped.'),
  resolve: act('resolve', 'Resolved: every recipient notified of it gets its resolve.'),
  reopen: act('reopen', 'Reopened as a new alert.'),
  snooze: act('snooze', 'Snoozed: no notifications until then.'),
};

function act(action: 'acknowledge' | 'resolve' | 'reopen' | 'snooze', done: string) {
  return async (event: RequestEvent) => {
    const data = await event.request.formData();
    const id = field(data, 'id');
    const reason = field(data, 'reason').trim() || null;
    const api = alertsApi(event.fetch);
    try {
      if (action === 'snooze') {
        const minutes = field(data, 'minutes');
        const until = new Date(Date.now() + (SNOOZE_MINUTES.has(minutes) ? Number(minutes) : 60) * 60_000).toISOString();
        await api.snooze(id, until, reason);
      } else await api[action](id, reason);
    } catch (err) {
      return formFailure(err);
    }
    return { done, id };
  };
}
