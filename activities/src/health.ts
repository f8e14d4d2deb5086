// Health reports (issue 17): read what the store holds of a target, run its engine's catalog, leave accepted risks out
// of the score, diff with the previous report, store the report. The catalog and its evaluators are pure
// (@logstag/schema/health); this file only reads, composes and writes.
import { randomUUID } from 'node:crypto';
import {
  diffFindings,
  EOL_TABLE,
  evaluateCatalog,
  findingKey,
  HEALTH_RULES,
  scoreResults,
  type CatalogOptions,
  type Finding,
  type FindingDiff,
  type Frequency,
  type HealthInput,
  type HealthScore,
  type RuleResult,
} from '@logstag/schema/health';
import { activeAcceptedRisks, deleteHealthReportsBefore, findingLedger, healthRuleSettings, latestHealthReport, loadHealthInput, saveHealthReport } from '@logstag/store';
import type { ActivityDeps } from './deps';

export interface HealthReportRequest {
  organizationId: string;
  targetId: string;
  trigger: 'schedule' | 'manual';
  /** Hours of runtime snapshots, statements and counter deltas the report reads (default 24). */
  windowHours?: number;
  /** Run only these frequency classes; all when absent. */
  frequencies?: Frequency[];
  /** Reports of the target older than this many days are deleted after the new one is stored (default 90). */
  retentionDays?: number;
}

export interface HealthReportSummary {
  reportId: string | null;
  score: number | null;
  counts: { pass: number; fail: number; skipped: number; findings: number; accepted: number };
  diff: Record<FindingDiff['state'], number>;
  /** Findings that are critical now and were not (new, regressed or raised to critical): what alert evaluation is told. */
  becameCritical: Array<{ ruleId: string; object: string }>;
}

/** A finding as a report stores it: with whether an accepted risk covers it. */
export type ReportFinding = Finding & { accepted: boolean };
/** `carried`: a rule of a class not due in this scheduled run, whose result is the last report's. */
export type ReportResult = Omit<RuleResult, 'findings'> & { findings: ReportFinding[]; carried?: boolean };

export interface ComposedReport {
  results: ReportResult[];
  score: HealthScore;
  counts: HealthReportSummary['counts'];
  diff: FindingDiff[];
  openFindings: Finding[];
  ranRules: string[];
}

/**
 * Pure: the report of an input given the organization's options, the accepted risks in force and the ledger of
 * earlier findings. The diff compares with the findings still open in the ledger, i.e. as the last report in which
 * each rule ran left them: a rule skipped in between (a privilege lost for a while) neither fixes its findings nor
 * makes them new again. Accepted findings stay listed (marked) but leave the score and the diff.
 */
export function composeReport(
  input: HealthInput,
  options: CatalogOptions,
  accepted: ReadonlySet<string>,
  ledger: { open: readonly Finding[]; fixedBefore: ReadonlySet<string>; firstSeen: ReadonlyMap<string, string> },
  previous: readonly ReportResult[] | null = null,
): ComposedReport {
  // A scheduled run evaluates the classes due (options.frequencies) and every rule the last report lacks; the other
  // rules keep the last report's results, so each report is complete and its score comparable.
  const last = new Map((previous ?? []).map((r) => [r.ruleId, r]));
  const { frequencies, ...rest } = options;
  const due = HEALTH_RULES.filter((r) => !frequencies || frequencies.includes(r.frequency) || !last.has(r.id));
  const evaluated = evaluateCatalog(input, due, rest);
  const disabled = new Set(options.disabled ?? []);
  const evaluatedIds = new Set(evaluated.map((r) => r.ruleId));
  const carried = frequencies
    ? HEALTH_RULES.filter((r) => r.engines.includes(input.engine) && !disabled.has(r.id) && !evaluatedIds.has(r.id) && last.has(r.id)).map((r) => ({ ...last.get(r.id)!, carried: true }))
    : [];
  const order = new Map(HEALTH_RULES.map((r, i) => [r.id, i]));
  const results: ReportResult[] = [...evaluated, ...carried].sort((a, b) => (order.get(a.ruleId) ?? 0) - (order.get(b.ruleId) ?? 0)).map((r) => ({ ...r, findings: r.findings.map((f) => ({ ...f, accepted: accepted.has(findingKey(f)) })) }));
  const forScore: RuleResult[] = results.map((r) => {
    const open = r.findings.filter((f) => !f.accepted);
    return { ...r, status: r.status === 'fail' && open.length === 0 ? 'pass' : r.status, findings: open };
  });
  const score = scoreResults(forScore);
  const openFindings = forScore.flatMap((r) => r.findings);
  const ranRules = forScore.filter((r) => r.status !== 'skipped' && evaluatedIds.has(r.ruleId)).map((r) => r.ruleId);
  const ran = new Set(ranRules);
  const prevOpen = ledger.open.filter((f) => ran.has(f.ruleId) && !accepted.has(findingKey(f)));
  // Carried results were diffed when they ran.
  const diff = diffFindings(prevOpen, openFindings.filter((f) => ran.has(f.ruleId)), { fixedBefore: ledger.fixedBefore, firstSeen: ledger.firstSeen, now: input.now });
  const counts = {
    pass: forScore.filter((r) => r.status === 'pass').length,
    fail: forScore.filter((r) => r.status === 'fail').length,
    skipped: forScore.filter((r) => r.status === 'skipped').length,
    findings: openFindings.length,
    accepted: results.reduce((a, r) => a + r.findings.filter((f) => f.accepted).length, 0),
  };
  return { results, score, counts, diff, openFindings, ranRules };
}

export function createHealthActivities(deps: ActivityDeps) {
  return {
    /** Builds, scores, diffs and stores one target's report. Idempotent per activity attempt only in effect: a retry stores a new report. */
    async runHealthReport(req: HealthReportRequest): Promise<HealthReportSummary> {
      const now = deps.clock();
      const windowHours = req.windowHours ?? 24;
      const input = await loadHealthInput(deps.db, req.organizationId, req.targetId, now, windowHours);
      const emptyDiff = { new: 0, fixed: 0, unchanged: 0, regressed: 0, severity_changed: 0 };
      if (!input) return { reportId: null, score: null, counts: { pass: 0, fail: 0, skipped: 0, findings: 0, accepted: 0 }, diff: emptyDiff, becameCritical: [] };
      const [settings, risks, previous, ledgerRows] = await Promise.all([
        healthRuleSettings(deps.db, req.organizationId),
        activeAcceptedRisks(deps.db, req.organizationId, req.targetId, now),
        latestHealthReport(deps.db, req.organizationId, req.targetId),
        findingLedger(deps.db, req.organizationId, req.targetId),
      ]);
      const options: CatalogOptions = {
        disabled: settings.filter((s) => !s.enabled).map((s) => s.ruleId),
        thresholds: Object.fromEntries(settings.map((s) => [s.ruleId, s.thresholds])),
        ...(req.frequencies ? { frequencies: req.frequencies } : {}),
      };
      const accepted = new Set(risks.map((r) => findingKey({ ruleId: r.rule_id, object: r.object })));
      const ledger = {
        open: ledgerRows
          .filter((l) => l.fixed_at === null)
          .map((l): Finding => ({ ruleId: l.rule_id, object: l.object, severity: l.severity as Finding['severity'], category: 'performance', message: '', evidence: {} })),
        fixedBefore: new Set(ledgerRows.filter((l) => l.fixed_at !== null).map((l) => findingKey({ ruleId: l.rule_id, object: l.object }))),
        firstSeen: new Map(ledgerRows.map((l) => [findingKey({ ruleId: l.rule_id, object: l.object }), new Date(l.first_seen).toISOString()])),
      };
      const composed = composeReport(input, options, accepted, ledger, previous ? (previous.results as ReportResult[]) : null);
      const reportId = randomUUID();
      await deps.db.transaction().execute((trx) =>
        saveHealthReport(trx, {
          id: reportId,
          organizationId: req.organizationId,
          targetId: req.targetId,
          engine: input.engine,
          createdAt: now,
          windowHours,
          trigger: req.trigger,
          score: composed.score.overall,
          scores: composed.score.categories,
          counts: composed.counts,
          results: composed.results,
          diff: composed.diff,
          previousId: previous?.id ?? null,
          eolAsOf: EOL_TABLE.asOf,
          findings: composed.openFindings.map((f) => ({ ruleId: f.ruleId, object: f.object, severity: f.severity })),
          ranRules: composed.ranRules,
        }),
      );
      await deleteHealthReportsBefore(deps.db, req.organizationId, req.targetId, new Date(now.getTime() - (req.retentionDays ?? 90) * 86_400_000));
      const diff = { ...emptyDiff };
      for (const d of composed.diff) diff[d.state] += 1;
      const becameCritical = composed.diff
        .filter((d) => d.severity === 'critical' && (d.state === 'new' || d.state === 'regressed' || (d.state === 'severity_changed' && d.previousSeverity !== 'critical')))
        .map((d) => ({ ruleId: d.ruleId, object: d.object }));
      deps.logger.info({ organizationId: req.organizationId, targetId: req.targetId, reportId, score: composed.score.overall, ...composed.counts }, 'health report stored');
      return { reportId, score: composed.score.overall, counts: composed.counts, diff, becameCritical };
    },
  };
}
