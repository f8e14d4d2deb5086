// Imported rather than read from disk: the CLI may run from a bundle in another directory (bin/logstag-agent.mjs).
import pkg from '../../package.json' with { type: 'json' };

/** The agent's version from its package.json, shown in Assets so operators see which hosts run an old agent. */
export function agentVersion(): string {
  return (pkg as { version?: string }).version ?? '0.0.0';
}
