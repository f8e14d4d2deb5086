// The downloadable report escapes everything that came from a monitored server.
import { describe, expect, it } from 'vitest';
import { catalogMeta } from '@logstag/schema/health';
import type { HealthReportView } from '@logstag/schema/api';
import { renderReportHtml } from '../src/health/report-html';

const hostile = '<img src=x onerror=alert(1)>"\'&';

describe('report HTML', () => {
  it('escapes objects, evidence, messages and skip reasons, and has no script', () => {
    const report: HealthReportView = {
      id: '00000000-0000-4000-8000-000000000000',
      targetId: `pg<b>`,
      engine: 'postgresql',
      createdAt: '2026-12-05T10:00:00.000Z',
      trigger: 'manual',
      score: 42,
      scores: { security: 42 },
      counts: { pass: 1, fail: 1, skipped: 1, findings: 1, accepted: 0 },
      previousId: null,
      eolAsOf: '2026-12-01',
      windowHours: 24,
      results: [
        { ruleId: 'pg.schema.no-primary-key', category: 'schema', severity: 'medium', status: 'fail', reason: null, findings: [{ ruleId: 'pg.schema.no-primary-key', object: `shop.public.${hostile}`, category: 'schema', severity: 'medium', message: `table ${hostile}`, evidence: { query: hostile }, accepted: false }] },
        { ruleId: 'pg.security.ssl-off', category: 'security', severity: 'medium', status: 'skipped', reason: `collector failed: ${hostile}`, findings: [] },
      ],
      diff: [{ ruleId: 'pg.schema.no-primary-key', object: `shop.public.${hostile}`, state: 'new', severity: 'medium', previousSeverity: null, timeToFixSeconds: null }],
    };
    const html = renderReportHtml(report, new Map(catalogMeta().map((r) => [r.id, r])));
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<b>');
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;');
    expect(html).toContain('ALTER TABLE &lt;table&gt; ADD PRIMARY KEY');
  });
});
