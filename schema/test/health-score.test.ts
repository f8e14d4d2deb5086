import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diffFindings, dueFrequencies, findingKey, HEALTH_CATEGORIES, scoreResults, SEVERITIES, type Finding, type RuleResult } from '../src/health';

const severity = fc.constantFrom(...SEVERITIES);
const category = fc.constantFrom(...HEALTH_CATEGORIES);

const finding = (ruleId: string, cat: RuleResult['category']) =>
  fc.record({ object: fc.string({ minLength: 1, maxLength: 6 }), severity }).map((f): Finding => ({ ruleId, object: f.object, category: cat, severity: f.severity, message: 'm', evidence: {} }));

const result = (i: number) =>
  fc.tuple(category, severity, fc.constantFrom('pass', 'fail', 'skipped' as const)).chain(([cat, sev, status]) =>
    (status === 'fail' ? fc.array(finding(`r${i}`, cat), { minLength: 1, maxLength: 5 }) : fc.constant([] as Finding[])).map(
      (findings): RuleResult => ({ ruleId: `r${i}`, category: cat, severity: sev, status, reason: status === 'skipped' ? 'why' : null, findings }),
    ),
  );

const results = fc.integer({ min: 1, max: 25 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => result(i))));

/** The same results with finding `k` (over all findings) removed, the rule passing when it has none left. */
function withoutFinding(rs: RuleResult[], k: number): RuleResult[] {
  let seen = 0;
  return rs.map((r) => {
    const findings = r.findings.filter(() => seen++ !== k);
    return { ...r, findings, status: r.status === 'fail' && findings.length === 0 ? 'pass' : r.status };
  });
}

describe('health score', () => {
  it('fixing a finding never lowers the overall score nor any category\'s', () => {
    fc.assert(
      fc.property(results, fc.nat(), (rs, pick) => {
        const total = rs.reduce((a, r) => a + r.findings.length, 0);
        fc.pre(total > 0);
        const before = scoreResults(rs);
        const after = scoreResults(withoutFinding(rs, pick % total));
        expect(after.overall!).toBeGreaterThanOrEqual(before.overall!);
        for (const c of HEALTH_CATEGORIES) if (before.categories[c] !== null) expect(after.categories[c]!).toBeGreaterThanOrEqual(before.categories[c]!);
      }),
    );
  });

  it('skipped rules never change the score', () => {
    fc.assert(
      fc.property(results, results, (rs, extra) => {
        const skipped = extra.map((r, i): RuleResult => ({ ...r, ruleId: `s${i}`, status: 'skipped', reason: 'why', findings: [] }));
        expect(scoreResults([...rs, ...skipped])).toEqual(scoreResults(rs));
      }),
    );
  });

  it('is 100 when every rule that ran passed, and null when none ran', () => {
    const pass: RuleResult = { ruleId: 'a', category: 'security', severity: 'high', status: 'pass', reason: null, findings: [] };
    expect(scoreResults([pass]).overall).toBe(100);
    expect(scoreResults([{ ...pass, status: 'skipped', reason: 'no data' }]).overall).toBeNull();
    expect(scoreResults([pass]).categories.performance).toBeNull();
  });

  it('weighs a critical finding more than a low one', () => {
    const fail = (sev: Finding['severity']): RuleResult => ({ ruleId: 'a', category: 'security', severity: 'high', status: 'fail', reason: null, findings: [{ ruleId: 'a', object: 'x', category: 'security', severity: sev, message: '', evidence: {} }] });
    expect(scoreResults([fail('critical')]).overall!).toBeLessThan(scoreResults([fail('low')]).overall!);
  });
});

describe('report diff', () => {
  const f = (ruleId: string, object: string, severity: Finding['severity'] = 'medium'): Finding => ({ ruleId, object, category: 'schema', severity, message: '', evidence: {} });

  it('tells new, fixed, unchanged, severity changed and regressed findings apart by rule id + object', () => {
    const prev = [f('a', 'db.public.t1'), f('a', 'db.public.t2'), f('b', 'x', 'medium')];
    const cur = [f('a', 'db.public.t1'), f('b', 'x', 'critical'), f('c', 'y'), f('d', 'z')];
    const diff = diffFindings(prev, cur, {
      fixedBefore: new Set([findingKey(f('d', 'z'))]),
      firstSeen: new Map([[findingKey(f('a', 'db.public.t2')), '2026-12-01T00:00:00.000Z']]),
      now: '2026-12-02T00:00:00.000Z',
    });
    const state = Object.fromEntries(diff.map((d) => [`${d.ruleId}:${d.object}`, d.state]));
    expect(state).toEqual({ 'a:db.public.t1': 'unchanged', 'b:x': 'severity_changed', 'c:y': 'new', 'd:z': 'regressed', 'a:db.public.t2': 'fixed' });
    expect(diff.find((d) => d.state === 'fixed')?.timeToFixSeconds).toBe(86_400);
    expect(diff.find((d) => d.state === 'severity_changed')).toMatchObject({ severity: 'critical', previousSeverity: 'medium' });
  });

  it('the same object under another rule is another finding', () => {
    const diff = diffFindings([f('a', 'o')], [f('b', 'o')]);
    expect(diff.map((d) => d.state).sort()).toEqual(['fixed', 'new']);
  });
});

describe('frequency classes', () => {
  const HOURS = { frequent: 4, standard: 24, rare: 78 };
  const H = 3_600_000;
  it('runs the frequent class every 4 h, the standard one once a day and the rare one every 78 h', () => {
    const runs = Array.from({ length: 6 * 78 }, (_, i) => dueFrequencies((i + 1) * 4 * H, 4 * H, HOURS));
    const count = (c: string) => runs.filter((r) => r.includes(c as never)).length;
    // 78 days of 4-hour ticks: frequent every tick, standard once per 24 h, rare once per 78 h.
    expect(count('frequent')).toBe(runs.length);
    expect(count('standard')).toBe((runs.length * 4) / 24);
    expect(count('rare')).toBe((runs.length * 4) / 78);
  });
  it('a daily schedule runs the frequent and standard classes every time', () => {
    expect(dueFrequencies(5 * 24 * H, 24 * H, HOURS)).toEqual(expect.arrayContaining(['frequent', 'standard']));
  });
});
