import { apiFor, loadOr } from '$lib/server/api';
import type { LayoutServerLoad } from './$types';

export const load = (async (event) => {
  const session = await loadOr(event.url, () => apiFor(event).session());
  // The CSRF token stays on the server: forms post to SvelteKit actions, which read it themselves.
  return { session: { user: session.user, organization: session.organization, permissions: session.permissions } };
}) satisfies LayoutServerLoad;
