import { fail, type RequestEvent } from '@sveltejs/kit';
import { ApiRequestError, type ApiClient } from '$lib/api';
import { apiFor } from './api';

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

/** A form action making one API call with the posted fields: `done` tells the user it worked, else the API's failure. */
export function apiAction(call: (api: ApiClient, data: FormData) => Promise<unknown>, done: string) {
  return async (event: RequestEvent) => {
    const data = await event.request.formData();
    try {
      await call(apiFor(event), data);
    } catch (err) {
      return formFailure(err);
    }
    return { done };
  };
}
