import { requestJson, withQuery, type Fetch } from './request';
import type { AgentView, Fleet, HostView, SchemaChange, SchemaObject, SnapshotPage, BlockingView, ConnectionsView, MetricSeries, QueryApplications, QueryDetail, Range, SessionsPage, SettingsView, TargetView, TopOrder, TopQueries, WaitBuckets } from './explorer-types';
import type { AcceptedInvitation, AgentKey, AuditEvent, AuditFilter, CreatedAgentKey, CreatedInvitation, IngestPayload, Invitation, Page, PayloadListStatus, Role, Session, SetupDone, SetupStatus, SignedIn, User } from './types';

/**
 * The one typed client of the Logstag REST API. It takes a fetch (SvelteKit's `event.fetch` on the server, which the
 * handleFetch hook routes to the API on the same port) and only ever uses relative URLs.
 */
export function createApiClient(fetch: Fetch) {
  let csrfToken: string | undefined;
  const get = <T>(path: string) => requestJson<T>(fetch, 'GET', path);
  /** State-changing calls echo the session's CSRF token, read once from GET /api/session. */
  async function send<T>(method: string, path: string, body?: unknown): Promise<T> {
    csrfToken ??= (await get<Session>('/api/session')).csrfToken;
    return requestJson<T>(fetch, method, path, { body, csrfToken });
  }
  const publicPost = <T>(path: string, body: unknown) => requestJson<T>(fetch, 'POST', path, { body });

  return {
    session: () => get<Session>('/api/session'),
    login: (email: string, password: string) => publicPost<SignedIn>('/api/session', { email, password }),
    logout: () => send<void>('DELETE', '/api/session'),
    setupStatus: () => get<SetupStatus>('/api/setup'),
    setup: (input: { token: string; organizationName: string; email: string; name: string; password: string }) =>
      publicPost<SetupDone>('/api/setup', input),
    acceptInvitation: (input: { token: string; name: string; password: string }) => publicPost<AcceptedInvitation>('/api/invitations/accept', input),

    users: (cursor?: string) => get<Page<User>>(withQuery('/api/users', { limit: 200, cursor })),
    changeRole: (id: string, role: Role) => send<User>('PATCH', `/api/users/${encodeURIComponent(id)}/role`, { role }),
    removeUser: (id: string) => send<void>('DELETE', `/api/users/${encodeURIComponent(id)}`),
    invitations: () => get<Page<Invitation>>(withQuery('/api/invitations', { limit: 200 })),
    invite: (email: string, role: Role) => send<CreatedInvitation>('POST', '/api/invitations', { email, role }),
    revokeInvitation: (id: string) => send<void>('DELETE', `/api/invitations/${encodeURIComponent(id)}`),

    agentKeys: () => get<Page<AgentKey>>(withQuery('/api/agent-keys', { limit: 200 })),
    createAgentKey: (name: string) => send<CreatedAgentKey>('POST', '/api/agent-keys', { name }),
    revokeAgentKey: (id: string) => send<AgentKey>('DELETE', `/api/agent-keys/${encodeURIComponent(id)}`),

    payloads: (status: PayloadListStatus, cursor?: string) => get<Page<IngestPayload>>(withQuery('/api/payloads', { status, limit: 50, cursor })),
    retryPayload: (id: string) => send<IngestPayload>('POST', `/api/payloads/${encodeURIComponent(id)}/retry`),
    discardPayload: (id: string) => send<IngestPayload>('POST', `/api/payloads/${encodeURIComponent(id)}/discard`),

    fleet: (range: Range) => get<Fleet>(withQuery('/api/explorer/fleet', iso(range))),
    inventory: (cursor?: string) => get<Page<TargetView>>(withQuery('/api/explorer/databases', { limit: 200, cursor })),
    series: (targetId: string, metric: string, range: Range) => get<MetricSeries>(withQuery(`${target(targetId)}/series`, { metric, ...iso(range) })),
    sessions: (targetId: string, cursor?: string) => get<SessionsPage>(withQuery(`${activity(targetId)}/sessions`, { limit: 200, cursor })),
    waits: (targetId: string, range: Range, stepSeconds: number) => get<WaitBuckets>(withQuery(`${activity(targetId)}/waits`, { ...iso(range), step: stepSeconds })),
    blocking: (targetId: string) => get<BlockingView>(`${activity(targetId)}/blocking`),
    connections: (targetId: string, range: Range) => get<ConnectionsView>(withQuery(`${activity(targetId)}/connections`, iso(range))),
    topQueries: (targetId: string, range: Range, orderBy: TopOrder, filter: { search?: string; database?: string; monitoring?: boolean; user?: string; application?: string } = {}) =>
      get<TopQueries>(
        withQuery(`${queries(targetId)}/top`, {
          orderBy,
          limit: 100,
          ...iso(range),
          search: filter.search,
          database: filter.database,
          monitoring: filter.monitoring ? 'true' : undefined,
          user: filter.user,
          application: filter.application,
        }),
      ),
    queryApplications: (targetId: string, range: Range) => get<QueryApplications>(withQuery(`${queries(targetId)}/applications`, iso(range))),
    query: (targetId: string, fingerprint: string, range: Range) =>
      get<QueryDetail>(withQuery(`${queries(targetId)}/query`, { fingerprint, ...iso(range) })),

    schemaObjects: (targetId: string, type: string, cursor?: string) =>
      get<SnapshotPage<SchemaObject>>(withQuery(`${schema(targetId)}/objects`, { type, limit: 1000, cursor })),
    /** Indexes of the latest schema snapshot flagged unused, duplicate or invalid. */
    flaggedIndexes: (targetId: string, cursor?: string) =>
      get<SnapshotPage<SchemaObject>>(withQuery(`${schema(targetId)}/objects`, { type: 'index', flag: 'any', limit: 1000, cursor })),
    /** One table's (or collection's) columns, indexes, constraints and foreign keys. */
    schemaChildren: (targetId: string, container: string, cursor?: string) =>
      get<SnapshotPage<SchemaObject>>(withQuery(`${schema(targetId)}/objects`, { of: container, limit: 1000, cursor })),
    /** The tables of the latest schema snapshot named (or ending in) one of `names`: those a statement touches. */
    tablesNamed: (targetId: string, names: string[]) =>
      get<SnapshotPage<SchemaObject>>(withQuery(`${schema(targetId)}/objects`, { type: 'table', names: names.join(','), limit: 50 })),
    permissions: (targetId: string, cursor?: string) =>
      get<SnapshotPage<SchemaObject>>(withQuery(`${schema(targetId)}/permissions`, { limit: 1000, cursor })),
    settings: (targetId: string) => get<SettingsView>(`${schema(targetId)}/settings`),
    schemaChanges: (targetId: string, range: Range) =>
      get<Page<SchemaChange>>(withQuery(`${schema(targetId)}/changes`, { limit: 200, ...iso(range) })),
    hosts: () => get<Page<HostView>>(withQuery('/api/explorer/assets/hosts', { limit: 200 })),
    agents: () => get<Page<AgentView>>(withQuery('/api/explorer/assets/agents', { limit: 200 })),

    auditEvents: (filter: AuditFilter) => get<Page<AuditEvent>>(withQuery('/api/audit-events', { limit: 100, ...filter })),
  };
}

const target = (id: string) => `/api/explorer/databases/${encodeURIComponent(id)}`;
const activity = (id: string) => `/api/explorer/activity/${encodeURIComponent(id)}`;
const queries = (id: string) => `/api/explorer/queries/${encodeURIComponent(id)}`;
const schema = (id: string) => `/api/explorer/schema/${encodeURIComponent(id)}`;
const iso = (r: Range) => ({ from: r.from.toISOString(), to: r.to.toISOString() });

export type ApiClient = ReturnType<typeof createApiClient>;
