// Health Check proof harness: the real agent collectors against the test services, their payloads committed as ingest
// does and stored by the real storePayloads activity, then the real runHealthReport activity on that store.
import { randomBytes } from 'node:crypto';
import type { Logger } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities, type HealthReportSummary } from '@logstag/activities';
import { insertPayloadRows } from '@logstag/activities/testing';
import { collectOnce, collectorFactories, CounterState, type EngineCollector, type TargetSpec } from '@logstag/agent';
import type { Category } from '@logstag/schema';
import { findHealthReport, type Store } from '@logstag/store';
import type { FindingDiff } from '@logstag/schema/health';

const quiet: Logger = { log: () => undefined, trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const silent = { debug() {}, info() {}, warn() {}, error() {} };

export const tag = (): string => randomBytes(3).toString('hex');

export function targetSpec(spec: Pick<TargetSpec, 'name' | 'engine' | 'host' | 'port'> & Partial<TargetSpec>): TargetSpec {
  return { databases: { include: [], exclude: [] }, disabledCollectors: [], queryText: 'obfuscated', queryTextMaxLength: 4096, tags: {}, statementTimeoutMs: 5000, ...spec };
}

interface StoredResult {
  ruleId: string;
  status: string;
  reason: string | null;
  category: string;
  findings: Array<{ object: string; severity: string; category: string; evidence: Record<string, unknown> }>;
}

export class HealthHarness {
  private readonly env = new MockActivityEnvironment(undefined, { logger: quiet });
  private readonly state = new CounterState();
  private readonly collectors = new Map<string, EngineCollector>();
  readonly activities: ReturnType<typeof createActivities>;

  constructor(
    private readonly store: Store,
    readonly organizationId: string,
  ) {
    this.activities = createActivities({ db: store.db });
  }

  /** One collection of each category from the target, stored through the ingest activity. */
  async collect(spec: TargetSpec, categories: readonly Category[]): Promise<void> {
    let collector = this.collectors.get(spec.name);
    if (!collector) this.collectors.set(spec.name, (collector = collectorFactories[spec.engine](spec, silent)));
    const bodies = [];
    for (const category of categories) {
      const { payload } = await collectOnce({ agentId: 'health-agent', target: { spec, intervalSeconds: { runtime: 10, workload: 60, operational: 600, schema: 14_400 } }, collector, category, state: this.state, signal: AbortSignal.timeout(20_000), secrets: [] });
      bodies.push(payload as unknown as Parameters<typeof insertPayloadRows>[2][number]);
    }
    const ids = await insertPayloadRows(this.store.db, this.organizationId, bodies);
    const stored = await this.env.run(this.activities.storePayloads, ids) as { failed: number };
    if (stored.failed > 0) throw new Error(`storePayloads failed ${stored.failed} payloads`);
  }

  /** A report of the target as the workflow's activity makes it; its stored row's results and diff. */
  async report(targetId: string) {
    const summary = (await this.env.run(this.activities.runHealthReport, { organizationId: this.organizationId, targetId, trigger: 'manual' as const, windowHours: 1 })) as HealthReportSummary;
    const row = await findHealthReport(this.store.db, this.organizationId, summary.reportId!);
    const results = row!.results as StoredResult[];
    const diff = row!.diff as FindingDiff[];
    const findings = (ruleId: string) => results.find((r) => r.ruleId === ruleId)?.findings.map((f) => f.object) ?? [];
    const result = (ruleId: string) => results.find((r) => r.ruleId === ruleId);
    const state = (ruleId: string, object: string) => diff.find((d) => d.ruleId === ruleId && d.object === object)?.state ?? null;
    return { summary, row: row!, results, diff, findings, result, state };
  }

  async close(): Promise<void> {
    for (const c of this.collectors.values()) await c.close();
  }
}
