/**
 * The product an engine id names, as people call it: the agent reports MariaDB under the `mysql` engine (one
 * protocol, one collector), and its version text says which it is ("10.11.19-MariaDB-0+deb12u1").
 */
export function engineLabel(engine: string, version?: string | null): string {
  if (engine === 'mysql') return /mariadb/i.test(version ?? '') ? 'MariaDB' : 'MySQL';
  const names: Record<string, string> = { postgresql: 'PostgreSQL', redis: 'Redis', mongodb: 'MongoDB' };
  return names[engine] ?? engine;
}

/**
 * A server's version as a list shows it: the first dotted number of what the server reports ("PostgreSQL 15.18
 * (Debian 15.18-0+deb12u1)" → "15.18", "10.11.19-MariaDB-0+deb12u1" → "10.11.19"); the whole string goes in a title.
 */
export function shortVersion(version: string | null | undefined): string {
  const m = /\d+(?:\.\d+)+/.exec(version ?? '');
  return m ? m[0] : (version ?? '');
}
