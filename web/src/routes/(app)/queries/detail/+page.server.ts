import { error } from '@sveltejs/kit';
import { apiFor, loadOr } from '$lib/server/api';
import { rangeFrom } from '$lib/time-range';
import type { PageServerLoad } from './$types';

export const load = (async (event) => {
  const targetId = event.url.searchParams.get('target');
  const fingerprint = event.url.searchParams.get('fingerprint');
  if (!targetId || !fingerprint) error(400, { message: 'this link lacks a target or a statement', hint: 'Open the statement from the Query Explorer list.' });
  const range = rangeFrom(event.url);
  const query = await loadOr(event.url, () => apiFor(event).query(targetId, fingerprint, range));
  return { targetId, range, query };
}) satisfies PageServerLoad;
