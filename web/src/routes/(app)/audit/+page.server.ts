import { withQuery, type AuditFilter } from '$lib/api';
import { apiFor, loadOr } from '$lib/server/api';
import type { PageServerLoad } from './$types';

const FILTERS = ['actor', 'action', 'objectType', 'from', 'to'] as const;

export const load = (async (event) => {
  const params = event.url.searchParams;
  const filter: AuditFilter = Object.fromEntries(FILTERS.map((k) => [k, params.get(k) || undefined]));
  // Dates from <input type="date"> are whole days; `to` includes the day it names.
  const apiFilter: AuditFilter = { ...filter, ...(filter.to ? { to: `${filter.to}T23:59:59.999Z` } : {}), cursor: params.get('cursor') || undefined };
  const page = await loadOr(event.url, () => apiFor(event).auditEvents(apiFilter));
  return {
    events: page.items,
    nextCursor: page.nextCursor,
    filter,
    csvHref: withQuery('/api/audit-events.csv', { ...apiFilter, cursor: undefined }),
  };
}) satisfies PageServerLoad;
