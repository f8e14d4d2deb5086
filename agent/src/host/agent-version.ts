import { readFileSync } from 'node:fs';

let cached: string | undefined;

/** The agent's version from its package.json, shown in Assets so operators see which hosts run an old agent. */
export function agentVersion(): string {
  if (cached === undefined) {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
    cached = pkg.version ?? '0.0.0';
  }
  return cached;
}
