import { pathToFileURL } from 'node:url';
import type { RequestHandler } from 'express';
import { clientAddressOf } from '../auth/client-address';

/**
 * adapter-node reads the scheme and host of each request from the headers these name; it reads them once, when the
 * handler module is imported. Without them it takes every request for https, and SvelteKit's own CSRF check (a form
 * posted with an Origin other than the page's own answers 403) would refuse our forms on plain http.
 */
const WEB_ORIGIN_HEADERS = { PROTOCOL_HEADER: 'x-forwarded-proto', HOST_HEADER: 'x-forwarded-host', ADDRESS_HEADER: 'x-logstag-client-address' } as const;

/** Imports the built SvelteKit handler (web/build/handler.js) configured to take its origin from `withExpressOrigin`. */
export async function importWebHandler(handlerPath: string): Promise<RequestHandler> {
  Object.assign(process.env, WEB_ORIGIN_HEADERS);
  return ((await import(/* @vite-ignore */ pathToFileURL(handlerPath).href)) as { handler: RequestHandler }).handler;
}

/**
 * The web handler sees the origin and client express sees: `req.protocol`, `req.host` and the client address honour
 * X-Forwarded-* only from the proxies `trust proxy` names (app.ts, LOGSTAG_TRUST_PROXY), so a client's own
 * X-Forwarded-Proto/Host and address header are overwritten here, never believed.
 */
export function withExpressOrigin(handler: RequestHandler): RequestHandler {
  return (req, res, next) => {
    req.headers[WEB_ORIGIN_HEADERS.PROTOCOL_HEADER] = req.protocol;
    req.headers[WEB_ORIGIN_HEADERS.HOST_HEADER] = req.host;
    req.headers[WEB_ORIGIN_HEADERS.ADDRESS_HEADER] = clientAddressOf(req);
    return handler(req, res, next);
  };
}
