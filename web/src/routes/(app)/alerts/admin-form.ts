// What the escalation policy, silence and maintenance window forms share: reading posted fields, and turning an API
// refusal into the form's failure with each field's issue (the API's zod paths), the values kept.
import { fail } from '@sveltejs/kit';
import { ApiRequestError } from '$lib/api';
import { ApiFieldsError, type FieldIssue } from '$lib/api/alert-admin';

export type { FieldIssue };

/** The posted text fields, for refilling the form after a failure (repeated names, such as checkboxes, joined by newlines). */
export function valuesOf(data: FormData): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of data.entries()) if (typeof v === 'string') out[k] = k in out ? `${out[k]}\n${v}` : v;
  return out;
}

/** A comma- or newline-separated list, trimmed, without empty entries or repeats. */
export function listOf(text: string): string[] {
  return [...new Set(text.split(/[,\n]/).map((s) => s.trim()).filter(Boolean))];
}

/** `env=prod, team=db` as tags; an entry without `=` is an issue at `path`. */
export function tagsOf(text: string, path: string): { tags: Record<string, string>; issues: FieldIssue[] } {
  const tags: Record<string, string> = {};
  const issues: FieldIssue[] = [];
  for (const entry of listOf(text)) {
    const eq = entry.indexOf('=');
    if (eq <= 0) issues.push({ path, message: `"${entry}" is not key=value` });
    else tags[entry.slice(0, eq).trim()] = entry.slice(eq + 1).trim();
  }
  return { tags, issues };
}

/** What a silence or maintenance window applies to: its targets and `key=value` tags; a bad tag goes to `issues`. */
export function targetsAndTagsOf(targetIds: string, tags: string, issues: FieldIssue[]): { targetIds: string[]; tags: Record<string, string> } {
  const parsed = tagsOf(tags, 'matchers.tags');
  issues.push(...parsed.issues);
  return { targetIds: listOf(targetIds), tags: parsed.tags };
}

/** A failure found before asking the API (a field the form reads itself). */
export function fieldsFailure(issues: FieldIssue[], values: Record<string, string>) {
  return fail(400, { error: 'Some values need correcting.', hint: 'Correct the highlighted values and submit again.', issues, values });
}

/** An API failure as the form's: its message, what to do, and each field's issue. */
export function adminFailure(err: unknown, values: Record<string, string> = {}) {
  if (!(err instanceof ApiRequestError)) throw err;
  const issues = err instanceof ApiFieldsError ? err.issues : [];
  return fail(err.status === 0 ? 503 : err.status, { error: issues.length ? 'Some values need correcting.' : err.message, hint: err.hint, issues, values });
}
