import * as z from 'zod/mini';
import { isoTime } from './common';

// Users, organizations, sessions, invitations and agent keys as the account routes answer them
// (api/src/{auth,users,organizations,invitations,agent-keys}/*.routes.ts).

export const ROLE_NAMES = ['owner', 'admin', 'member'] as const;
export const roleSchema = z.enum(ROLE_NAMES);
export type Role = z.infer<typeof roleSchema>;

/** A user as the API shows it: never the password hash. */
export const userViewSchema = z.object({ id: z.string(), email: z.string(), name: z.string(), role: roleSchema, roleTitle: z.string(), createdAt: isoTime });
export type User = z.infer<typeof userViewSchema>;

export const organizationViewSchema = z.object({ id: z.string(), name: z.string(), createdAt: isoTime });
export type Organization = z.infer<typeof organizationViewSchema>;

/** GET /api/session: who is signed in, their permissions, and the CSRF token state-changing requests echo. */
export const signedInSessionSchema = z.object({ user: userViewSchema, organization: organizationViewSchema, permissions: z.array(z.string()), csrfToken: z.string() });
export type Session = z.infer<typeof signedInSessionSchema>;

/** POST /api/session (201); the session itself travels in the cookie. */
export const signedInSchema = z.object({ user: userViewSchema, csrfToken: z.string(), expiresAt: isoTime });
export type SignedIn = z.infer<typeof signedInSchema>;

export const setupStatusSchema = z.object({ required: z.boolean() });
export type SetupStatus = z.infer<typeof setupStatusSchema>;
export const setupDoneSchema = z.object({ organization: organizationViewSchema, user: userViewSchema });
export type SetupDone = z.infer<typeof setupDoneSchema>;

export const invitationViewSchema = z.object({
  id: z.string(),
  email: z.string(),
  role: roleSchema,
  status: z.enum(['pending', 'accepted', 'revoked', 'expired']),
  createdAt: isoTime,
  expiresAt: isoTime,
});
export type Invitation = z.infer<typeof invitationViewSchema>;
/** The token is shown once, here. */
export const createdInvitationSchema = z.object({ invitation: invitationViewSchema, token: z.string(), acceptPath: z.string() });
export type CreatedInvitation = z.infer<typeof createdInvitationSchema>;
export const acceptedInvitationSchema = z.object({ user: userViewSchema });
export type AcceptedInvitation = z.infer<typeof acceptedInvitationSchema>;

/** An agent key as the API lists it: the prefix, never the key or its hash. */
export const agentKeyViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  status: z.enum(['active', 'revoked', 'expired']),
  createdAt: isoTime,
  expiresAt: z.nullable(isoTime),
  revokedAt: z.nullable(isoTime),
  lastUsedAt: z.nullable(isoTime),
  rotatedFromId: z.nullable(z.string()),
});
export type AgentKey = z.infer<typeof agentKeyViewSchema>;
/** The plain key is in this answer once and never again. */
export const createdAgentKeySchema = z.object({ agentKey: agentKeyViewSchema, key: z.string() });
export type CreatedAgentKey = z.infer<typeof createdAgentKeySchema>;
/** A rotation: the new key, and the old one with the end of its overlap as its expiry. */
export const rotatedAgentKeySchema = z.object({ agentKey: agentKeyViewSchema, key: z.string(), previous: agentKeyViewSchema });
export type RotatedAgentKey = z.infer<typeof rotatedAgentKeySchema>;
