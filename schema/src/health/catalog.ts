import type { Engine } from '../domain';
import { metaOf, type RuleDef } from './rule';
import { MONGODB_RULES } from './rules/mongodb';
import { MYSQL_RULES } from './rules/mysql';
import { POSTGRESQL_RULES } from './rules/postgresql';
import { REDIS_RULES } from './rules/redis';
import type { RuleMeta } from './types';

export { EOL_TABLE } from './rules/eol';

/** Every rule of every engine, in catalog order (engine, then category as written). */
export const HEALTH_RULES: readonly RuleDef[] = Object.freeze([...POSTGRESQL_RULES, ...MYSQL_RULES, ...REDIS_RULES, ...MONGODB_RULES]);

const BY_ID = new Map(HEALTH_RULES.map((r) => [r.id, r]));

export function findRule(id: string): RuleDef | undefined {
  return BY_ID.get(id);
}

export function rulesOf(engine: Engine): RuleDef[] {
  return HEALTH_RULES.filter((r) => r.engines.includes(engine));
}

/** The catalog as the API lists it (no evaluators). */
export function catalogMeta(): RuleMeta[] {
  return HEALTH_RULES.map(metaOf);
}
