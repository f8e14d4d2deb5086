import type { ErrorRequestHandler } from 'express';
import { ApiError } from './api-error';

interface HttpLikeError {
  status?: number;
  statusCode?: number;
  type?: string;
  expose?: boolean;
}

/**
 * Maps every error to the one JSON error shape. Body-parser's own errors (too large, bad encoding, aborted) keep their
 * status; anything unknown becomes a 500 whose message leaks nothing about internals.
 */
export function errorMiddleware(): ErrorRequestHandler {
  return (err, req, res, _next) => {
    let apiError: ApiError;
    if (err instanceof ApiError) apiError = err;
    else {
      const e = err as HttpLikeError;
      const status = e.status ?? e.statusCode ?? 500;
      if (e.type === 'entity.too.large') apiError = new ApiError(413, 'payload_too_large', 'the request body is larger than allowed');
      else if (e.type === 'encoding.unsupported') apiError = new ApiError(415, 'unsupported_media_type', 'use Content-Encoding gzip, deflate or identity');
      // The router's own: a path parameter whose %-escapes do not decode (`/api/users/%E0%A4%A`), status 400 but no
      // `expose`; it is the client's URL, not a server fault.
      else if (err instanceof URIError && status === 400) apiError = new ApiError(400, 'bad_request', `the URL is not valid percent-encoded UTF-8: ${err.message}`);
      else if (status >= 400 && status < 500 && e.expose) apiError = new ApiError(status, 'bad_request', (err as Error).message);
      else {
        req.log?.error({ err }, 'unhandled error');
        apiError = new ApiError(500, 'internal', 'internal error; the server log has the details');
      }
    }
    res.status(apiError.status).json(apiError.toJSON());
  };
}
