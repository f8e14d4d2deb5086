import { agentConfigSnippet } from '$lib/agent-config-snippet';
import { apiFor, loadOr } from '$lib/server/api';
import { apiAction, field, formFailure } from '$lib/server/form-failure';
import { serverUrlOf } from '$lib/server/server-url';
import type { Actions, PageServerLoad } from './$types';

export const load = (async (event) => {
  const keys = await loadOr(event.url, () => apiFor(event).agentKeys());
  return { keys: keys.items };
}) satisfies PageServerLoad;

export const actions = {
  create: async (event) => {
    const data = await event.request.formData();
    const name = field(data, 'name');
    try {
      const created = await apiFor(event).createAgentKey(name);
      // Shown once: the API keeps only a hash of the key.
      return { created: { name: created.agentKey.name, key: created.key, snippet: agentConfigSnippet(serverUrlOf(event), created.key) } };
    } catch (err) {
      return formFailure(err, { name });
    }
  },
  revoke: apiAction((api, data) => api.revokeAgentKey(field(data, 'id')), 'Key revoked. Agents using it are refused from now on.'),
} satisfies Actions;
