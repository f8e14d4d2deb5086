import type { FirstRunOutcome } from './setup.service';

/** The console lines `npm start` prints about the first Account Owner. */
export function firstRunLines(outcome: FirstRunOutcome, url: string): string[] {
  if (outcome.kind === 'owner-created') return [`  first owner: ${outcome.email} (from LOGSTAG_ADMIN_EMAIL); sign in at ${url}`];
  if (outcome.kind !== 'setup-required') return [];
  return [
    '',
    'No users yet. Create the first organization and its Account Owner with this one-time setup link',
    `(valid until ${outcome.expiresAt.toISOString()}; restart to get a new one):`,
    `  ${url}/setup#token=${outcome.token}`,
    'or from a shell:',
    `  curl -X POST ${url}/api/setup -H 'content-type: application/json' \\`,
    `    -d '{"token":"${outcome.token}","organizationName":"…","email":"…","name":"…","password":"…"}'`,
    'or set LOGSTAG_ADMIN_EMAIL and LOGSTAG_ADMIN_PASSWORD (or LOGSTAG_ADMIN_PASSWORD_FILE) and start again.',
  ];
}
