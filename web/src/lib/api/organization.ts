// The organization's own settings (its name). Apart from client.ts so the areas' clients grow without touching each other.
import type { Organization, Session } from '@logstag/schema/api';
import { requestJson, type Fetch } from './request';

export function organizationApi(fetch: Fetch) {
  return {
    get: () => requestJson<Organization>(fetch, 'GET', '/api/organization'),
    /** Owner-only (organization:settings); the API records organization.settings_changed in the audit log. */
    rename: async (name: string) => {
      const { csrfToken } = await requestJson<Session>(fetch, 'GET', '/api/session');
      return requestJson<Organization>(fetch, 'PATCH', '/api/organization', { body: { name }, csrfToken });
    },
  };
}
