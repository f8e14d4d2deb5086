// Reports load only what the catalog reads (HEALTH_NEEDS: series names and families, schema item types, sequence-fed
// columns). Proof that nothing a rule reads is left out: on every engine's recorded collections, the catalog gives the
// same results on the narrowed input as on everything, and no rule is skipped for reading something undeclared.
import { describe, expect, it } from 'vitest';
import { ENGINES } from '@logstag/schema';
import { evaluateCatalog, HEALTH_RULES, narrowHealthInput, schemaItemNeeded, seriesNeeded, type HealthInput, type RuleContext, type RuleDef } from '@logstag/schema/health';
import { inputFromRecorded } from './health-fixture-input';

/** Old enough statistics and declared host RAM, so the history and host rules run too instead of skipping early. */
const fullInput = (engine: (typeof ENGINES)[number]): HealthInput =>
  inputFromRecorded(engine, { observedSince: '2026-01-01T00:00:00.000Z', host: { colocated: true, memoryBytes: 8 * 1024 ** 3 } });

describe('what a health report loads', () => {
  it('gives the same results as loading everything, on every engine’s recorded collections', () => {
    for (const engine of ENGINES) {
      const input = fullInput(engine);
      const narrowed = narrowHealthInput(input);
      expect(evaluateCatalog(narrowed, HEALTH_RULES), engine).toEqual(evaluateCatalog(input, HEALTH_RULES));
      for (const r of evaluateCatalog(narrowed, HEALTH_RULES)) expect(r.reason ?? '', r.ruleId).not.toMatch(/HEALTH_NEEDS/);
    }
  });

  it('leaves out most of a PostgreSQL target’s series and columns (what a 5,000-table target is made of)', () => {
    const input = fullInput('postgresql');
    const narrowed = narrowHealthInput(input);
    expect(narrowed.series.length).toBeLessThan(input.series.length);
    expect(narrowed.series.every((s) => seriesNeeded('postgresql', s.metric))).toBe(true);
    const columns = (i: HealthInput) => i.schema?.items.filter((x) => x.type === 'column').length ?? 0;
    expect(columns(narrowed)).toBeLessThan(columns(input));
    expect(schemaItemNeeded('postgresql', { type: 'column', def: { default: "nextval('t_id_seq'::regclass)" } })).toBe(true);
    expect(schemaItemNeeded('postgresql', { type: 'column', def: { default: null } })).toBe(false);
  });

  it('a rule reading a series the report does not load is skipped and says so, never passes', () => {
    const input = fullInput('redis');
    const base = HEALTH_RULES.find((r) => r.id === 'redis.performance.blocked-clients')!;
    const probe: RuleDef = { ...base, id: 'redis.performance.probe', check: (ctx: RuleContext) => (ctx.series('cpu.used_cpu_sys').length > 0 ? [] : []) };
    const [result] = evaluateCatalog(input, [probe]);
    expect(result).toMatchObject({ status: 'skipped', reason: expect.stringContaining('cpu.used_cpu_sys, which reports do not load') });
  });
});
