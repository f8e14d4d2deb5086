import { PERMISSION_MATRIX, ROLES, ROLE_TITLES, roleHas, type Permission } from './permissions';

/** The README's permission table, generated from PERMISSION_MATRIX; a test fails when the README differs. */
export function permissionTableMarkdown(): string {
  const header = `| permission | what it allows | ${ROLES.map((r) => ROLE_TITLES[r]).join(' | ')} |`;
  const rule = `| --- | --- | ${ROLES.map(() => ':---:').join(' | ')} |`;
  const rows = (Object.keys(PERMISSION_MATRIX) as Permission[]).map(
    (p) => `| \`${p}\` | ${PERMISSION_MATRIX[p].description} | ${ROLES.map((r) => (roleHas(r, p) ? '✓' : '—')).join(' | ')} |`,
  );
  return [header, rule, ...rows].join('\n');
}
