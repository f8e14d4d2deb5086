import { handleApiFetch } from '$lib/server/forward-fetch';
import { sameOriginOnly } from '$lib/server/same-origin';

export const handle = sameOriginOnly;
export const handleFetch = handleApiFetch;
