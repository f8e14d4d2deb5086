import type { Request } from 'express';

export interface AgentPrincipal {
  organizationId: string;
  keyId: string | null;
}

/**
 * Who sent a payload: hashed, per-organization agent API keys (agent-keys/agent-key-authenticator.ts). Ingest only
 * depends on this seam.
 */
export type AgentAuthenticator = (req: Request) => Promise<AgentPrincipal>;
