import type { Engine } from '../../domain';
import type { FindingDraft, RuleContext } from '../rule';

/**
 * End-of-life dates of major versions, shipped with the server and dated: a report shows `EOL_TABLE.asOf`, so a reader
 * knows how fresh the table is. Sources: endoflife.date and the vendors' policies (PostgreSQL: 5 years; MySQL: the
 * Oracle lifetime support; MariaDB: community maintenance; Redis: the latest three minors; MongoDB: the lifecycle
 * schedule). A version not in the table is reported as unknown, never as supported.
 */
export const EOL_TABLE = {
  asOf: '2026-12-01',
  postgresql: { '11': '2023-11-09', '12': '2024-11-21', '13': '2025-11-13', '14': '2026-11-12', '15': '2027-11-11', '16': '2028-11-09', '17': '2029-11-08', '18': '2030-11-14' },
  mysql: { '5.7': '2023-10-31', '8.0': '2026-04-30', '8.4': '2032-04-30', '9.0': '2024-10-15' },
  mariadb: { '10.4': '2024-06-18', '10.5': '2025-06-24', '10.6': '2026-07-06', '10.11': '2028-02-16', '11.4': '2029-05-29', '11.8': '2030-06-04' },
  redis: { '6.0': '2023-02-28', '6.2': '2025-02-28', '7.0': '2025-07-31', '7.2': '2026-12-31', '7.4': '2027-12-31', '8.0': '2028-05-31' },
  mongodb: { '4.2': '2023-04-30', '4.4': '2024-02-29', '5.0': '2024-10-31', '6.0': '2025-07-31', '7.0': '2027-08-31', '8.0': '2029-10-31' },
} as const;

type EolEngine = Exclude<keyof typeof EOL_TABLE, 'asOf'>;

export function eolCheck(ctx: RuleContext, engine: Engine): FindingDraft[] {
  const v = ctx.version;
  if (!v) return ctx.skip('the server version is not known yet');
  const table: EolEngine = engine === 'mysql' ? (v.flavor === 'mariadb' ? 'mariadb' : 'mysql') : (engine as EolEngine);
  const key = engine === 'postgresql' && v.major >= 10 ? String(v.major) : `${v.major}.${v.minor}`;
  const end = (EOL_TABLE[table] as Record<string, string>)[key];
  if (!end) return ctx.skip(`version ${key} is not in the end-of-life table of ${EOL_TABLE.asOf}`);
  if (new Date(end).getTime() > ctx.now.getTime()) return [];
  return [{ object: 'server', message: `${table} ${key} reached end of life on ${end}`, evidence: { version: v.text, endOfLife: end, tableAsOf: EOL_TABLE.asOf } }];
}
