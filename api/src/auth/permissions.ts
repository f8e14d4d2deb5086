import type { Role } from '@logstag/store';

export const ROLES = ['owner', 'admin', 'member'] as const satisfies readonly Role[];

export const ROLE_TITLES: Record<Role, string> = { owner: 'Account Owner', admin: 'Admin', member: 'Member' };

/**
 * THE permission matrix: permission → roles that hold it. Routes check it through `requirePermission`, the README's
 * "Roles and permissions" table is checked against it by a test, and the isolation test derives each route's expected
 * answers from it. Change access here and nowhere else.
 */
export const PERMISSION_MATRIX = {
  'explorers:read': { roles: ['owner', 'admin', 'member'], description: 'Read every explorer (health, databases, schema, activity, queries, alerts, assets)' },
  'alerts:acknowledge': { roles: ['owner', 'admin', 'member'], description: 'Acknowledge and resolve alerts' },
  'organization:read': { roles: ['owner', 'admin', 'member'], description: 'See the organization and its users' },
  'users:invite': { roles: ['owner', 'admin'], description: 'Invite users, list and revoke pending invitations' },
  'agents:manage': { roles: ['owner', 'admin'], description: 'Manage agents' },
  'agent-keys:manage': { roles: ['owner', 'admin'], description: 'List, create, rotate and revoke agent API keys' },
  'targets:manage': { roles: ['owner', 'admin'], description: 'Add, change and remove monitored targets' },
  'integrations:manage': { roles: ['owner', 'admin'], description: 'Add, change and remove notification integrations' },
  'alert-rules:manage': { roles: ['owner', 'admin'], description: 'Add, change and remove alert rules' },
  'deliveries:replay': { roles: ['owner', 'admin'], description: 'Replay failed notification deliveries' },
  'payloads:manage': { roles: ['owner', 'admin'], description: 'List failed and stuck ingest payloads, retry or discard them' },
  'users:change-role': { roles: ['owner'], description: 'Change a user’s role (the last Account Owner cannot be demoted)' },
  'users:remove': { roles: ['owner'], description: 'Remove a user (the last Account Owner cannot be removed)' },
  'organization:settings': { roles: ['owner'], description: 'Change organization settings' },
  'audit:read': { roles: ['owner'], description: 'Read and export the audit log' },
} as const satisfies Record<string, { roles: readonly Role[]; description: string }>;

export type Permission = keyof typeof PERMISSION_MATRIX;

export function roleHas(role: Role, permission: Permission): boolean {
  return (PERMISSION_MATRIX[permission].roles as readonly Role[]).includes(role);
}

/** The roles a role may hand out in an invitation: never more than its own. */
export function rolesInvitableBy(role: Role): readonly Role[] {
  return role === 'owner' ? ROLES : ROLES.filter((r) => r !== 'owner');
}
