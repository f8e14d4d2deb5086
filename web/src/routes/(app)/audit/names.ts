import type { AgentKey, AuditEvent, Invitation, Organization, User } from '$lib/api';

/**
 * Names for the ids an audit event points at: users, agent keys, invitations and the organization as they are now,
 * and otherwise the name the event itself recorded in its before/after summary (a deleted integration, a rule).
 * An audit log of UUIDs says nothing to its reader.
 */
export function namesById(lists: { users?: User[]; agentKeys?: AgentKey[]; invitations?: Invitation[]; organization?: Organization }): Map<string, string> {
  const names = new Map<string, string>();
  for (const u of lists.users ?? []) names.set(u.id, `${u.name} <${u.email}>`);
  for (const k of lists.agentKeys ?? []) names.set(k.id, k.name);
  for (const i of lists.invitations ?? []) names.set(i.id, i.email);
  if (lists.organization) names.set(lists.organization.id, lists.organization.name);
  return names;
}

const NAME_FIELDS = ['name', 'email', 'title', 'ruleName', 'targetId'] as const;

/** A name the event's own summary recorded (after first: a rename shows the new name). */
function recordedName(ev: AuditEvent): string | undefined {
  for (const side of [ev.after, ev.before]) {
    if (!side || typeof side !== 'object') continue;
    for (const f of NAME_FIELDS) {
      const v = (side as Record<string, unknown>)[f];
      if (typeof v === 'string' && v.trim() !== '') return v;
    }
  }
  return undefined;
}

/** "user Mia Member <mia@example.com>", "agent key db-host-7"; an id nothing names is shortened, never shown whole. */
export function objectLabel(ev: AuditEvent, names: ReadonlyMap<string, string>): string {
  if (!ev.object) return '—';
  const type = ev.object.type.replace(/_/g, ' ');
  const id = ev.object.id;
  if (!id) return type;
  const name = names.get(id) ?? recordedName(ev);
  if (name) return `${type} ${name}`;
  // Short ids (a health risk's number, a target's name) are readable as they are.
  return id.length > 12 ? `${type} ${id.slice(0, 8)}…` : `${type} ${id}`;
}

/** The actor as a person: their name and address when they are a user of the organization, else the recorded label. */
export function actorLabel(ev: AuditEvent, names: ReadonlyMap<string, string>): string {
  return (ev.actorUserId ? names.get(ev.actorUserId) : undefined) ?? ev.actor;
}
