import type { Request, RequestHandler, Response } from 'express';
import type { z } from 'zod';
import type { MarkedHandler } from '../auth/access';

/** The error statuses a route may document; each answers the one error shape (`{ error: { code, message, details? } }`). */
export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 503;
export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type Schema = z.core.$ZodType;

/** Who may call a route: the access middlewares of /api (auth/access.ts), or a caller outside the session model. */
export type RouteAccess = MarkedHandler | { kind: 'agent-key' } | { kind: 'anyone' };

/** A JSON answer with its schema, or no body (204), or text the handler writes itself (CSV, Prometheus). */
export type ResponseSpec = Schema | { noContent: true } | { text: string; description: string };

export type ReplyOf<R> = R extends Schema ? z.output<R> : void;
type Out<S> = S extends Schema ? z.output<S> : Record<string, never>;

export interface RouteInput<P, Q, B> {
  params: Out<P>;
  query: Out<Q>;
  body: Out<B>;
}

/**
 * One route, declared once: its inputs are validated with these schemas, its answer is typed by its response schema,
 * and /api/openapi.json is generated from the same declaration.
 */
export interface RouteSpec<P extends Schema | undefined, Q extends Schema | undefined, B extends Schema | undefined, R extends ResponseSpec> {
  method: Method;
  /** Express path (`/api/users/:id`). */
  path: string;
  summary: string;
  tag: string;
  access: RouteAccess;
  params?: P;
  query?: Q;
  body?: B;
  /** A body the handler reads from the stream itself (ingest): documented, not parsed here. */
  rawBody?: { description: string; content: Record<string, Schema> };
  /** The success status; 200 unless given (204 for `{ noContent: true }`). */
  status?: 200 | 201 | 202 | 204;
  response: R;
  /** The success answer in another content type too, chosen by a query parameter (the audit log's format=csv). */
  alsoAnswers?: { text: string; description: string };
  /** Other answers with a body of their own (readiness answers 503 with its checks). */
  otherResponses?: Partial<Record<number, { description: string; schema: Schema } | { description: string; text: string }>>;
  /**
   * Error statuses the handler itself can answer (the route's objects missing, conflicts, ...). Those its access and its
   * inputs imply (401, 403, 400, and 413/415 for a JSON body) are added by the registry.
   */
  errors?: readonly ErrorStatus[];
  /** Middlewares run after access and before the inputs are parsed (a rate limit). */
  before?: readonly RequestHandler[];
  handle: (input: RouteInput<P, Q, B>, req: Request, res: Response) => Promise<ReplyOf<R>>;
}

/** The declaration as the registry keeps it, for the OpenAPI document and the 405 answers. */
export type RouteDoc = Omit<RouteSpec<Schema | undefined, Schema | undefined, Schema | undefined, ResponseSpec>, 'handle' | 'before'>;

export function accessKind(access: RouteAccess): 'public' | 'session' | 'permission' | 'agent-key' | 'anyone' {
  return 'access' in access ? access.access.kind : access.kind;
}
