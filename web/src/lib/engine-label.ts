/**
 * The product an engine id names, as people call it: the agent reports MariaDB under the `mysql` engine (one
 * protocol, one collector), and its version text says which it is ("10.11.19-MariaDB-0+deb12u1").
 */
export function engineLabel(engine: string, version?: string | null): string {
  if (engine === 'mysql') return /mariadb/i.test(version ?? '') ? 'MariaDB' : 'MySQL';
  const names: Record<string, string> = { postgresql: 'PostgreSQL', redis: 'Redis', mongodb: 'MongoDB' };
  return names[engine] ?? engine;
}
