import type { RequestEvent } from '@sveltejs/kit';
import { requestProtocol } from './internal-api';

/** The address agents should send to: what the browser used to reach this page. */
export function serverUrlOf(event: RequestEvent): string {
  return `${requestProtocol(event)}://${event.url.host}`;
}
