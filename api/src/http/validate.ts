import type { Request } from 'express';
import { z } from 'zod';
import { storableText, unstorableTextMessage } from '@logstag/schema';
import { ApiError } from './api-error';

type Issue = { path: string; message: string };

/** At most this many unstorable strings are reported: enough to fix the request, bounded whatever it holds. */
const MAX_TEXT_ISSUES = 10;

/**
 * Strings and keys the store cannot hold (NUL, lone surrogates: PostgreSQL's text and jsonb refuse them, which
 * surfaced as 500s). Iterative, so a deeply nested value cannot overflow the stack.
 */
function unstorableTextIssues(value: unknown): Issue[] {
  const issues: Issue[] = [];
  const stack: Array<{ v: unknown; path: string[] }> = [{ v: value, path: [] }];
  while (stack.length && issues.length < MAX_TEXT_ISSUES) {
    const { v, path } = stack.pop()!;
    if (typeof v === 'string') {
      const message = unstorableTextMessage(v);
      if (message) issues.push({ path: path.join('.'), message });
    } else if (typeof v === 'object' && v !== null) {
      for (const [k, child] of Object.entries(v)) {
        const message = unstorableTextMessage(k);
        if (message) issues.push({ path: [...path, storableText(k)].join('.'), message: `key ${message}` });
        stack.push({ v: child, path: [...path, k] });
      }
    }
  }
  return issues;
}

function validationFailed(issues: Issue[]): ApiError {
  return new ApiError(400, 'validation_failed', 'the request does not match the expected input', { issues });
}

/** Parses request input with a zod schema; a mismatch, or text the store cannot hold, is a 400 naming each field. */
export function parseInput<S extends z.core.$ZodType>(schema: S, value: unknown): z.output<S> {
  const parsed = z.safeParse(schema, value ?? {});
  if (!parsed.success) throw validationFailed(parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
  const unstorable = unstorableTextIssues(parsed.data);
  if (unstorable.length) throw validationFailed(unstorable);
  return parsed.data;
}

/** A named path parameter as a string (express types it loosely); a 400 when it holds text the store cannot hold. */
export function pathParam(req: Request, name: string): string {
  const v = req.params[name];
  if (typeof v !== 'string') return '';
  const message = unstorableTextMessage(v);
  if (message) throw validationFailed([{ path: name, message }]);
  return v;
}
