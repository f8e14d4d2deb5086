import { fail } from '@sveltejs/kit';
import { ApiRequestError } from '$lib/api';

/** A form action's failure: the API's message plus what to do, shown next to the form (values kept by the caller). */
export function formFailure(err: unknown, values: Record<string, string> = {}, hints: Partial<Record<number, string>> = {}) {
  if (err instanceof ApiRequestError) {
    return fail(err.status === 0 ? 503 : err.status, { error: err.message, hint: hints[err.status] ?? err.hint, values });
  }
  throw err;
}

export function field(data: FormData, name: string): string {
  const v = data.get(name);
  return typeof v === 'string' ? v : '';
}
