import { integrationsApi, type DeliveryFilter, type ReplayEdit } from '$lib/api/integrations';
import { loadOr } from '$lib/server/api';
import { field, formFailure } from '$lib/server/form-failure';
import type { Actions, PageServerLoad } from './$types';

const FILTER_KEYS = ['status', 'integrationId', 'alertId', 'episodeId', 'statusCode'] as const;

function filterOf(params: URLSearchParams | FormData): DeliveryFilter {
  const f: DeliveryFilter = {};
  for (const k of FILTER_KEYS) {
    const v = params.get(k);
    if (typeof v === 'string' && v.trim()) f[k] = v.trim();
  }
  return f;
}

function editOf(data: FormData): ReplayEdit {
  const edit: ReplayEdit = {};
  const integrationId = field(data, 'editIntegrationId');
  const summary = field(data, 'editSummary').trim();
  if (integrationId) edit.integrationId = integrationId;
  if (summary) edit.summary = summary;
  return edit;
}

export const load = (async (event) => {
  const api = integrationsApi(event.fetch);
  const filter = filterOf(event.url.searchParams);
  const cursor = event.url.searchParams.get('cursor') || undefined;
  const [page, integrations] = await loadOr(event.url, () => Promise.all([api.deliveries(filter, cursor), api.integrations()]));
  return { filter, deliveries: page.items, nextCursor: page.nextCursor, integrations: integrations.items.map((i) => ({ id: i.id, name: i.name, kind: i.kind })) };
}) satisfies PageServerLoad;

const replayed = (n: number) => `${n} ${n === 1 ? 'delivery' : 'deliveries'} replayed. Each is a new delivery linked to its original, with the same idempotency key.`;

export const actions = {
  /** The checked deliveries, edited or not. */
  replay: async (event) => {
    const data = await event.request.formData();
    const ids = data.getAll('ids').filter((v): v is string => typeof v === 'string' && v !== '');
    if (ids.length === 0) return { error: 'Select at least one failed delivery to replay.', hint: 'Tick the deliveries to replay, or replay everything the filter matches.' };
    try {
      const r = await integrationsApi(event.fetch).replay({ ids }, editOf(data));
      return { done: replayed(r.replayed.length) };
    } catch (err) {
      return formFailure(err);
    }
  },
  /** Everything the current filter matches (the API caps it at 500). */
  replayFiltered: async (event) => {
    const data = await event.request.formData();
    try {
      const r = await integrationsApi(event.fetch).replay({ filter: { ...filterOf(data), status: 'failed' } }, editOf(data));
      return { done: replayed(r.replayed.length) };
    } catch (err) {
      return formFailure(err);
    }
  },
} satisfies Actions;
