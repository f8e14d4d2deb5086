export { createApiClient, type ApiClient } from './client';
export { ApiRequestError, hintFor } from './errors';
export { withQuery } from './request';
export type * from './types';
export type * from './explorer-types';
