import type { HealthReportView } from '@logstag/schema/api';
import type { RuleMeta } from '@logstag/schema/health';

/** Everything from a monitored server (objects, evidence, messages) goes through here: it is untrusted text. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const CATEGORIES = ['security', 'maintenance', 'performance', 'configuration', 'schema'] as const;
const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;

/**
 * A report as a standalone HTML document (download, and the page Chromium prints to PDF): scores, findings by category
 * and severity with evidence and fix, skipped rules with their reasons, and the changes since the previous report.
 * No script, no external resource; every value escaped.
 */
export function renderReportHtml(report: HealthReportView, rules: ReadonlyMap<string, RuleMeta>): string {
  const e = escapeHtml;
  const findings = report.results.flatMap((r) => r.findings);
  const section = (category: string) => {
    const list = findings.filter((f) => f.category === category).sort((a, b) => SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity));
    if (!list.length) return '';
    return `<h2>${e(category)} (${list.length})</h2>${list
      .map((f) => {
        const rule = rules.get(f.ruleId);
        const evidence = Object.entries(f.evidence).map(([k, v]) => `<tr><th>${e(k)}</th><td>${e(v)}</td></tr>`).join('');
        return `<div class="finding ${e(f.severity)}"><h3>[${e(f.severity)}] ${e(rule?.title ?? f.ruleId)} — <code>${e(f.object)}</code>${f.accepted ? ' (accepted risk)' : ''}</h3>
<p>${e(f.message)}</p>${rule ? `<p class="muted">${e(rule.explanation)}</p>` : ''}<table class="evidence">${evidence}</table>
${rule ? `<p><strong>Fix</strong></p><pre>${e(rule.fix)}</pre><p class="muted">Rule ${e(rule.id)} · ${e(rule.anchor)}</p>` : ''}</div>`;
      })
      .join('')}`;
  };
  const skipped = report.results.filter((r) => r.status === 'skipped');
  const changes = report.diff.filter((d) => d.state !== 'unchanged');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Health report ${e(report.targetId)} ${e(report.createdAt)}</title>
<style>body{font:14px/1.45 system-ui,sans-serif;margin:2rem;color:#1d242b}code,pre{font-family:ui-monospace,monospace}pre{background:#f4f6f8;padding:.5rem;white-space:pre-wrap}
.finding{border:1px solid #d8dde3;border-radius:6px;padding:.5rem .75rem;margin:.5rem 0;break-inside:avoid}.finding.critical,.finding.high{border-left:4px solid #b42318}.finding.medium{border-left:4px solid #b54708}
.muted{color:#5b6670}table{border-collapse:collapse}th,td{text-align:left;padding:.15rem .6rem .15rem 0;vertical-align:top}.evidence td{font-family:ui-monospace,monospace;overflow-wrap:anywhere}</style></head><body>
<h1>Health report of ${e(report.targetId)} (${e(report.engine)})</h1>
<p>${e(report.createdAt)} · ${e(report.trigger)} · window ${report.windowHours} h · end-of-life table of ${e(report.eolAsOf)}</p>
<p><strong>Score ${e(report.score ?? '—')}</strong> — ${CATEGORIES.map((c) => `${c} ${e(report.scores[c] ?? '—')}`).join(' · ')}</p>
<p class="muted">${report.counts.fail} rules failing with ${report.counts.findings} findings, ${report.counts.pass} passing, ${report.counts.skipped} skipped, ${report.counts.accepted} accepted.
Score = 100 × Σ w·h / Σ w over the rules that ran (w: critical 10, high 5, medium 2, low 1; h = 1 for a pass, else w / (w + the weights of its findings)); skipped rules and accepted risks do not count.</p>
${CATEGORIES.map(section).join('')}
<h2>Changes since the previous report (${changes.length})</h2>
${changes.length ? `<table><tr><th>Change</th><th>Rule</th><th>Object</th><th>Severity</th></tr>${changes.map((d) => `<tr><td>${e(d.state)}</td><td>${e(d.ruleId)}</td><td><code>${e(d.object)}</code></td><td>${e(d.severity)}</td></tr>`).join('')}</table>` : '<p>None.</p>'}
<h2>Skipped rules (${skipped.length})</h2>
<table>${skipped.map((r) => `<tr><td><code>${e(r.ruleId)}</code></td><td>${e(r.reason)}</td></tr>`).join('')}</table>
</body></html>`;
}
