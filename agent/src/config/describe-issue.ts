import type { z } from 'zod/mini';

/** A zod issue in the words a config file's author needs: what was expected at that place. */
export function describeIssue(issue: z.core.$ZodIssue, valueAtPath: unknown): string {
  switch (issue.code) {
    case 'invalid_value':
      return `${valueAtPath === undefined ? 'required: ' : ''}expected one of ${issue.values.map(String).join(', ')}`;
    case 'invalid_type':
      return valueAtPath === undefined ? `required: expected ${issue.expected}` : `expected ${issue.expected}, got ${typeName(valueAtPath)}`;
    case 'unrecognized_keys':
      return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}`;
    case 'too_small':
      return issue.origin === 'array' ? `expected at least ${String(issue.minimum)} item(s)` : `expected ${issue.origin === 'string' ? 'length' : 'a value'} >= ${String(issue.minimum)}`;
    case 'too_big':
      return issue.origin === 'array' ? `expected at most ${String(issue.maximum)} item(s)` : `expected ${issue.origin === 'string' ? 'length' : 'a value'} <= ${String(issue.maximum)}`;
    case 'invalid_union':
      return 'expected a string, number or boolean';
    default:
      return issue.message.startsWith('expected') ? issue.message : `expected ${issue.message}`;
  }
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  // Never the value itself: a mistyped `password: 12345` must not end up in an error message.
  return typeof value;
}

export function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let node = root;
  for (const part of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<PropertyKey, unknown>)[part];
  }
  return node;
}
