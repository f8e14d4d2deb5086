// Who a policy can notify, and how the pages name a recipient (`integration:<id>`, `user:<id>`, as the simulator
// answers): integrations by name and kind, users by name and e-mail; ids only when the lists do not hold them.
import type { EscalationPolicyView } from '$lib/api/alert-admin';

export interface RecipientChoice {
  /** The form's value: `integration:<id>` or `user:<id>:<email>` (the API needs the e-mail). */
  value: string;
  label: string;
  note?: string;
}

export interface Directory {
  integrations: Array<{ id: string; name: string; kind: string; enabled: boolean }>;
  users: Array<{ id: string; name: string; email: string }>;
}

export function choicesOf(d: Directory): RecipientChoice[] {
  return [
    ...d.integrations.map((i) => ({ value: `integration:${i.id}`, label: `${i.name} (${i.kind})`, ...(i.enabled ? {} : { note: 'turned off' }) })),
    ...d.users.map((u) => ({ value: `user:${u.id}:${u.email}`, label: `${u.name} <${u.email}>` })),
  ];
}

/** Names by recipient key, from the lists and the e-mails the policies carry. */
export function namesOf(d: Directory, policies: EscalationPolicyView[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const p of policies) for (const t of p.tiers) for (const r of t.recipients) if (r.kind === 'user') names.set(`user:${r.userId}`, r.email);
  for (const i of d.integrations) names.set(`integration:${i.id}`, `${i.name} (${i.kind})`);
  for (const u of d.users) names.set(`user:${u.id}`, `${u.name} <${u.email}>`);
  return names;
}

export function recipientKey(r: EscalationPolicyView['tiers'][number]['recipients'][number]): string {
  return r.kind === 'integration' ? `integration:${r.integrationId}` : `user:${r.userId}`;
}

export const nameOf = (names: Map<string, string>, key: string) => names.get(key) ?? (key.startsWith('integration:') ? `integration ${key.slice(12)}` : key);
