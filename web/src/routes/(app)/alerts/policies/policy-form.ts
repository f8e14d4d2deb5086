// An escalation policy from the editor's fields: tiers in order (`tiers.<n>.delayMinutes`, `tiers.<n>.recipients`),
// repeat, acknowledgement expiry in minutes (empty: never) and the default flag. The API validates the result and
// names the field at fault; the recipients' values carry what the API needs (`integration:<id>`, `user:<id>:<email>`).
import { field } from '$lib/server/form-failure';
import type { FieldIssue } from '../admin-form';

export const MAX_TIERS = 10;

export interface PolicyInput {
  name: string;
  tiers: Array<{ delaySeconds: number; recipients: Array<{ kind: 'integration'; integrationId: string } | { kind: 'user'; userId: string; email: string }> }>;
  repeat: number;
  ackTimeoutSeconds: number | null;
  isDefault: boolean;
}

const numberOf = (text: string) => (text.trim() === '' ? Number.NaN : Number(text));

export function recipientOf(value: string): PolicyInput['tiers'][number]['recipients'][number] | null {
  const [kind, id, ...rest] = value.split(':');
  if (kind === 'integration' && id) return { kind: 'integration', integrationId: id };
  if (kind === 'user' && id && rest.length) return { kind: 'user', userId: id, email: rest.join(':') };
  return null;
}

export function policyOf(data: FormData): { input: PolicyInput; issues: FieldIssue[] } {
  const issues: FieldIssue[] = [];
  const count = Math.min(MAX_TIERS, Math.max(0, Math.trunc(Number(field(data, 'tierCount'))) || 0));
  const tiers = Array.from({ length: count }, (_, i) => {
    const minutes = numberOf(field(data, `tiers.${i}.delayMinutes`));
    if (!Number.isFinite(minutes)) issues.push({ path: `tiers.${i}.delaySeconds`, message: 'a number of minutes (0 for no wait)' });
    const recipients = data
      .getAll(`tiers.${i}.recipients`)
      .map((v) => (typeof v === 'string' ? recipientOf(v) : null))
      .filter((r) => r !== null);
    return { delaySeconds: Math.round(minutes * 60), recipients };
  });
  const ack = field(data, 'ackTimeoutMinutes').trim();
  const ackMinutes = numberOf(ack);
  if (ack !== '' && !Number.isFinite(ackMinutes)) issues.push({ path: 'ackTimeoutSeconds', message: 'a number of minutes, or empty for never' });
  return {
    input: {
      name: field(data, 'name'),
      tiers,
      repeat: Math.trunc(numberOf(field(data, 'repeat') || '0')),
      ackTimeoutSeconds: ack === '' ? null : Math.round(ackMinutes * 60),
      isDefault: field(data, 'isDefault') === 'on',
    },
    issues,
  };
}

/** Enough minutes to show every send of the policy, its repeats included (the API's limit: a week). */
export function horizonMinutes(p: Pick<PolicyInput, 'tiers' | 'repeat'>): number {
  const round = p.tiers.reduce((s, t) => s + (Number.isFinite(t.delaySeconds) ? t.delaySeconds : 0), 0);
  return Math.min(7 * 24 * 60, Math.max(1, Math.ceil((round * (p.repeat + 1)) / 60) + 1));
}
