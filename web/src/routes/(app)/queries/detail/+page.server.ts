import { error } from '@sveltejs/kit';
import type { SchemaObject } from '$lib/api';
import { apiFor, loadOr } from '$lib/server/api';
import { rangeFrom } from '$lib/time-range';
import { relationNames, touchedTables } from './relations';
import type { PageServerLoad } from './$types';

/** A statement naming more relations than this links the first ones. */
const MAX_NAMES = 20;

export const load = (async (event) => {
  const targetId = event.url.searchParams.get('target');
  const fingerprint = event.url.searchParams.get('fingerprint');
  if (!targetId || !fingerprint) error(400, { message: 'this link lacks a target or a statement', hint: 'Open the statement from the Query Explorer list.' });
  const range = rangeFrom(event.url);
  const api = apiFor(event);
  return loadOr(event.url, async () => {
    const query = await api.query(targetId, fingerprint, range);
    // The tables the statement touches, as the Schema Explorer knows them (issue 14): one lookup, whatever their number.
    const names = relationNames(query.text ?? '').slice(0, MAX_NAMES);
    let tables: SchemaObject[] = [];
    if (names.length > 0) {
      const found = await api.tablesNamed(targetId, names).catch(() => null);
      tables = touchedTables(found?.items ?? [], names, query.engine, query.database);
    }
    return { targetId, range, query, names, tables };
  });
}) satisfies PageServerLoad;
