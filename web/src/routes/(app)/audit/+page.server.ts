import { withQuery, type AuditFilter } from '$lib/api';
import { apiFor, loadOr } from '$lib/server/api';
import { namesById } from './names';
import type { PageServerLoad } from './$types';

const FILTERS = ['actor', 'action', 'objectType', 'from', 'to'] as const;

export const load = (async (event) => {
  const params = event.url.searchParams;
  const filter: AuditFilter = Object.fromEntries(FILTERS.map((k) => [k, params.get(k) || undefined]));
  // Dates from <input type="date"> are whole days; `to` includes the day it names.
  const apiFilter: AuditFilter = { ...filter, ...(filter.to ? { to: `${filter.to}T23:59:59.999Z` } : {}), cursor: params.get('cursor') || undefined };
  const api = apiFor(event);
  const { session } = await event.parent();
  // The lists that name the events' objects and actors; the log shows without them (ids shortened) if one fails.
  const [page, users, agentKeys, invitations] = await Promise.all([
    loadOr(event.url, () => api.auditEvents(apiFilter)),
    api.users().then((p) => p.items, () => []),
    api.agentKeys().then((p) => p.items, () => []),
    api.invitations().then((p) => p.items, () => []),
  ]);
  return {
    names: namesById({ users, agentKeys, invitations, organization: session.organization }),
    events: page.items,
    nextCursor: page.nextCursor,
    filter,
    csvHref: withQuery('/api/audit-events.csv', { ...apiFilter, cursor: undefined }),
  };
}) satisfies PageServerLoad;
