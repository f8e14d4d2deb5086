// The Integrations area's calls (issue 16): integrations, test sends, the delivery log and replays. Apart from
// client.ts so the areas' clients grow without touching each other; same request helper, same CSRF handling.
import type { DeliveryView, E2eTestSettingsView, IntegrationView, Page, ReplayResult, Session, TestSendResult } from '@logstag/schema/api';
import { ApiRequestError } from './errors';
import { requestJson, withQuery, type Fetch } from './request';

export type { DeliveryView, E2eTestSettingsView, IntegrationView, ReplayResult } from '@logstag/schema/api';

/** What a replay may override (the API's replayEditSchema). */
export interface ReplayEdit {
  integrationId?: string;
  summary?: string;
  severity?: 'critical' | 'warning' | 'info';
}

export interface DeliveryFilter {
  status?: string | undefined;
  integrationId?: string | undefined;
  alertId?: string | undefined;
  episodeId?: string | undefined;
  statusCode?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

export interface IntegrationInput {
  kind: string;
  name: string;
  config: Record<string, unknown>;
  secrets: Record<string, unknown>;
}

/**
 * Like requestJson, but a 400's field issues become the message ("secrets.signingSecret: must hold at least 24
 * bytes"), so a form shows which value to fix.
 */
async function sendJson<T>(fetch: Fetch, method: string, path: string, body: unknown, csrfToken: string): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, { method, headers: { accept: 'application/json', 'content-type': 'application/json', 'x-csrf-token': csrfToken }, body: JSON.stringify(body ?? {}) });
  } catch (err) {
    throw new ApiRequestError(0, 'unreachable', `could not reach the Logstag API (${(err as Error).message})`);
  }
  if (res.status === 204) return undefined as T;
  const parsed = (await res.json().catch(() => null)) as ({ error?: { code?: string; message?: string; details?: { issues?: Array<{ path: string; message: string }> } } } & T) | null;
  if (!res.ok) {
    const error = parsed?.error;
    const issues = error?.details?.issues ?? [];
    const message = issues.length ? issues.map((i) => `${i.path}: ${i.message}`).join('; ') : (error?.message ?? `the API answered ${res.status}`);
    throw new ApiRequestError(res.status, error?.code ?? 'internal', message);
  }
  return parsed as T;
}

export function integrationsApi(fetch: Fetch) {
  let csrfToken: string | undefined;
  const get = <T>(path: string) => requestJson<T>(fetch, 'GET', path);
  async function send<T>(method: string, path: string, body?: unknown): Promise<T> {
    csrfToken ??= (await get<Session>('/api/session')).csrfToken;
    return sendJson<T>(fetch, method, path, body, csrfToken);
  }
  const one = (id: string) => `/api/integrations/${encodeURIComponent(id)}`;
  return {
    integrations: () => get<{ items: IntegrationView[] }>('/api/integrations'),
    integration: (id: string) => get<IntegrationView>(one(id)),
    createIntegration: (input: IntegrationInput) => send<IntegrationView>('POST', '/api/integrations', input),
    updateIntegration: (id: string, change: Partial<Omit<IntegrationInput, 'kind'>> & { enabled?: boolean }) => send<IntegrationView>('PATCH', one(id), change),
    deleteIntegration: (id: string) => send<void>('DELETE', one(id)),
    testIntegration: (id: string) => send<TestSendResult>('POST', `${one(id)}/test`),
    deliveries: (filter: DeliveryFilter, cursor?: string) => get<Page<DeliveryView>>(withQuery('/api/deliveries', { limit: 50, ...filter, cursor })),
    /** One alert episode's deliveries with their attempts: for whoever reads the alert. */
    alertDeliveries: (episodeId: string) => get<{ items: DeliveryView[] }>(`/api/alerts/${encodeURIComponent(episodeId)}/deliveries`),
    e2eTestSettings: () => get<E2eTestSettingsView>('/api/integration-e2e-test'),
    saveE2eTestSettings: (settings: { enabled: boolean; hour: number; timeZone: string }) => send<E2eTestSettingsView>('PUT', '/api/integration-e2e-test', settings),
    replay: (selection: { ids?: string[]; filter?: DeliveryFilter }, edit: ReplayEdit) => send<ReplayResult>('POST', '/api/deliveries/replay', { ...selection, edit }),
  };
}

export type IntegrationsApi = ReturnType<typeof integrationsApi>;
