import type { Request } from 'express';
import type { z } from 'zod';
import { ApiError } from './api-error';

/** Parses request input with a zod schema; a mismatch is a 400 naming each failing field. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value ?? {});
  if (parsed.success) return parsed.data;
  throw new ApiError(400, 'validation_failed', 'the request does not match the expected input', {
    issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
  });
}

/** A named path parameter as a string (express types it loosely). */
export function pathParam(req: Request, name: string): string {
  const v = req.params[name];
  return typeof v === 'string' ? v : '';
}
