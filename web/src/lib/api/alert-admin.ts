// The Alerts area's administration calls (issue 15): escalation policies and their simulator, silences, maintenance
// windows. Apart from alerts.ts so the areas' clients grow without touching each other. A 400 keeps the API's field
// issues (zod paths such as `tiers.1.delaySeconds`), so a form shows each next to its field.
import type { EscalationPolicyView, EscalationSimulation, MaintenanceWindowView, Session, SilenceView } from '@logstag/schema/api';
import { ApiRequestError } from './errors';
import { requestJson, withQuery, type Fetch } from './request';

export type { EscalationPolicyView, EscalationSimulation, MaintenanceWindowView, SilenceView } from '@logstag/schema/api';

export interface FieldIssue {
  path: string;
  message: string;
}

/** An API failure that names the fields at fault (400 validation_failed). */
export class ApiFieldsError extends ApiRequestError {
  constructor(
    status: number,
    code: string,
    message: string,
    readonly issues: FieldIssue[],
  ) {
    super(status, code, message);
  }
}

async function sendJson<T>(fetch: Fetch, method: string, path: string, body: unknown, csrfToken: string): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, { method, headers: { accept: 'application/json', 'content-type': 'application/json', 'x-csrf-token': csrfToken }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  } catch (err) {
    throw new ApiRequestError(0, 'unreachable', `could not reach the Logstag API (${(err as Error).message})`);
  }
  if (res.status === 204) return undefined as T;
  const parsed = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string; details?: { issues?: FieldIssue[] } } } | null;
  if (!res.ok) {
    const error = parsed?.error;
    const issues = (error?.details?.issues ?? []).filter((i) => typeof i?.path === 'string' && typeof i?.message === 'string');
    throw new ApiFieldsError(res.status, error?.code ?? 'internal', error?.message ?? `the API answered ${res.status}`, issues);
  }
  return parsed as T;
}

export function alertAdminApi(fetch: Fetch) {
  let csrfToken: string | undefined;
  const get = <T>(path: string) => requestJson<T>(fetch, 'GET', path);
  async function send<T>(method: string, path: string, body?: unknown): Promise<T> {
    csrfToken ??= (await get<Session>('/api/session')).csrfToken;
    return sendJson<T>(fetch, method, path, body, csrfToken);
  }
  const policy = (id: string) => `/api/escalation-policies/${encodeURIComponent(id)}`;
  return {
    policies: () => get<{ items: EscalationPolicyView[] }>('/api/escalation-policies'),
    createPolicy: (input: unknown) => send<EscalationPolicyView>('POST', '/api/escalation-policies', input),
    updatePolicy: (id: string, input: unknown) => send<EscalationPolicyView>('PUT', policy(id), input),
    deletePolicy: (id: string) => send<void>('DELETE', policy(id)),
    simulate: (input: unknown, minutes: number) => send<EscalationSimulation>('POST', '/api/escalation-simulations', { ...(input as object), minutes }),

    silences: (state: 'active' | 'ended') => get<{ items: SilenceView[] }>(withQuery('/api/silences', { state, limit: state === 'ended' ? 50 : undefined })),
    createSilence: (input: unknown) => send<SilenceView>('POST', '/api/silences', input),
    expireSilence: (id: string) => send<void>('DELETE', `/api/silences/${encodeURIComponent(id)}`),

    windows: () => get<{ items: MaintenanceWindowView[] }>('/api/maintenance-windows'),
    createWindow: (input: unknown) => send<MaintenanceWindowView>('POST', '/api/maintenance-windows', input),
    deleteWindow: (id: string) => send<void>('DELETE', `/api/maintenance-windows/${encodeURIComponent(id)}`),
  };
}
