import type { Request } from 'express';

export interface AgentPrincipal {
  organizationId: string;
  keyId: string | null;
}

/**
 * Who sent a payload. The accounts feature replaces the single-tenant authenticator with hashed, per-organization
 * API keys; ingest only depends on this seam.
 */
export type AgentAuthenticator = (req: Request) => Promise<AgentPrincipal>;

export const DEFAULT_ORGANIZATION_ID = 'default';

export const singleTenantAuthenticator: AgentAuthenticator = async () => ({ organizationId: DEFAULT_ORGANIZATION_ID, keyId: null });
