// The pure step between a stored health report and the health_finding alert rules: which findings start an alert,
// which alerts clear, and which rules are left alone (skipped, carried forward, filtered out).
import { describe, expect, it } from 'vitest';
import type { FindingDiff } from '@logstag/schema/health';
import type { AlertRule } from '@logstag/store';
import { healthFindingObservations, type StoredHealthReport } from '../src/health-finding-alerts';

const rule = (over: Partial<AlertRule['condition']> = {}, id = 'r1'): AlertRule => ({
  id,
  organizationId: 'o',
  packKey: null,
  name: 'Health finding became critical',
  enabled: true,
  severity: 'critical',
  condition: { kind: 'health_finding', healthRuleIds: [], categories: [], forSeconds: 0, clearForSeconds: 0, ...over } as AlertRule['condition'],
  scope: { engines: [], targetIds: [], tags: {} },
  summaryTemplate: '{{labels.healthRuleId}} {{labels.object}}',
  escalationPolicyId: null,
  version: 1,
  createdAt: new Date(0),
  updatedAt: new Date(0),
  deletedAt: null,
});
const f = (ruleId: string, object: string, severity: 'critical' | 'high', accepted = false) => ({ ruleId, object, severity, category: 'configuration' as const, message: 'm', accepted });
const d = (ruleId: string, object: string, state: FindingDiff['state'], severity: FindingDiff['severity'] = 'critical', previousSeverity: FindingDiff['previousSeverity'] = null): FindingDiff => ({ ruleId, object, state, severity, previousSeverity, timeToFixSeconds: null });

function report(results: StoredHealthReport['results'], _diff: FindingDiff[]): StoredHealthReport {
  return { id: 'rep-2', targetId: 't1', createdAt: new Date('2026-12-05T12:00:00Z'), results };
}

describe('healthFindingObservations', () => {
  it('observes every critical open finding as holding, one alert identity per finding, with the finding\'s identity and report', () => {
    const r = report(
      [{ ruleId: 'a', category: 'configuration', status: 'fail', findings: [f('a', 'x', 'critical'), f('a', 'y', 'critical'), f('a', 'z', 'critical'), f('a', 'w', 'critical')] }],
      [d('a', 'x', 'new'), d('a', 'y', 'regressed'), d('a', 'z', 'severity_changed', 'critical', 'high'), d('a', 'w', 'unchanged')],
    );
    const { observations, findings } = healthFindingObservations('o', r, [rule()], []);
    // The condition record turns these into transitions: only a finding not already holding starts its alert.
    expect(observations.map((o) => [o.labels.object, o.breaching, o.severity])).toEqual([['x', true, 'critical'], ['y', true, 'critical'], ['z', true, 'critical'], ['w', true, 'critical']]);
    expect(new Set(observations.map((o) => o.fingerprint)).size).toBe(4);
    expect(observations[0]!.fingerprint).toBe('r1:t1:{"healthRuleId":"a","object":"x"}');
    expect(findings.get(`o\u0000${observations[0]!.fingerprint}`)?.values).toEqual({ healthRuleId: 'a', object: 'x', reportId: 'rep-2' });
  });

  it('clears an alert whose finding is fixed, no longer critical or accepted, but not when its rule was skipped or carried', () => {
    const r = report(
      [
        { ruleId: 'a', category: 'configuration', status: 'fail', findings: [f('a', 'downgraded', 'high'), f('a', 'accepted', 'critical', true), f('a', 'still', 'critical')] },
        { ruleId: 'b', category: 'security', status: 'skipped', findings: [] },
        { ruleId: 'c', category: 'security', status: 'pass', carried: true, findings: [] },
      ],
      [d('a', 'fixed', 'fixed')],
    );
    const holding = ['fixed', 'downgraded', 'accepted', 'still'].map((object) => ({ ruleId: 'r1', labels: { healthRuleId: 'a', object } }));
    holding.push({ ruleId: 'r1', labels: { healthRuleId: 'b', object: 'o' } }, { ruleId: 'r1', labels: { healthRuleId: 'c', object: 'o' } });
    const { observations } = healthFindingObservations('o', r, [rule()], holding);
    expect(observations.map((o) => [o.labels.healthRuleId, o.labels.object, o.breaching])).toEqual([
      ['a', 'still', true],
      ['a', 'fixed', false],
      ['a', 'downgraded', false],
      ['a', 'accepted', false],
    ]);
  });

  it('a skipped rule never starts one, and the rule\'s filters by health rule id and category hold', () => {
    const r = report(
      [
        { ruleId: 'a', category: 'configuration', status: 'fail', findings: [f('a', 'x', 'critical')] },
        { ruleId: 's', category: 'security', status: 'skipped', findings: [] },
      ],
      [d('a', 'x', 'new'), d('s', 'x', 'new')],
    );
    expect(healthFindingObservations('o', r, [rule()], []).observations.map((o) => o.labels.healthRuleId)).toEqual(['a']);
    expect(healthFindingObservations('o', r, [rule({ healthRuleIds: ['other'] } as never)], []).observations).toEqual([]);
    expect(healthFindingObservations('o', r, [rule({ categories: ['security'] } as never)], []).observations).toEqual([]);
    expect(healthFindingObservations('o', r, [rule({ categories: ['configuration'] } as never)], []).observations).toHaveLength(1);
  });
});
