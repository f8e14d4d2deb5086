import type { HealthInput, HealthItem, HealthSeries } from './input';
import { HEALTH_NEEDS, seriesNeeded, seriesPrefixNeeded } from './needs';
import { SkipRule, type Need, type RuleContext, type RuleDef, type VersionInfo } from './rule';
import type { Finding, Frequency, RuleResult } from './types';

/** An organization's choices about the catalog: rules turned off, thresholds changed. */
export interface CatalogOptions {
  disabled?: ReadonlySet<string> | readonly string[];
  thresholds?: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** Run only rules of these frequency classes (a schedule's class and the ones due with it); all when absent. */
  frequencies?: readonly Frequency[];
}

/** Parses `15.18 (Debian…)`, `8.0.36`, `10.11.19-MariaDB-0+deb12u1`, `7.0.15`. */
export function parseVersion(engine: string, text: string | null): VersionInfo | null {
  if (!text) return null;
  const m = /(\d+)\.(\d+)/.exec(text) ?? /(\d+)/.exec(text);
  if (!m) return null;
  const flavor = engine === 'mysql' ? (/mariadb/i.test(text) ? 'mariadb' : 'mysql') : null;
  return { major: Number(m[1]), minor: Number(m[2] ?? 0), flavor, text };
}

const DAY_MS = 86_400_000;

type DataNeed = 'settings' | 'access' | 'schema' | 'activity' | 'statements';

/**
 * The agent collectors (and whole-category collections) each stored need comes from, per engine: when the latest
 * payload of the target reported one of them failed (a privilege missing, a command blocked by a managed service),
 * the rules that need it are skipped with that error, even if an older or partial snapshot is stored.
 */
const NEED_COLLECTORS: Readonly<Record<string, Readonly<Record<DataNeed, readonly string[]>>>> = {
  postgresql: {
    settings: ['operational', 'settings'],
    access: ['operational', 'roles', 'memberships', 'database_privileges', 'schema_privileges', 'table_privileges'],
    schema: ['schema', 'tables', 'indexes', 'constraints', 'foreign_keys'],
    activity: ['runtime', 'sessions', 'locks'],
    statements: ['workload', 'statements'],
  },
  mysql: {
    settings: ['operational', 'variables'],
    access: ['operational', 'accounts', 'grants'],
    schema: ['schema', 'tables', 'indexes', 'columns'],
    activity: ['runtime', 'sessions', 'lock_waits'],
    statements: ['workload', 'statement_digests'],
  },
  redis: { settings: ['operational', 'config'], access: ['operational', 'acl_users'], schema: ['schema', 'keyspace'], activity: ['runtime', 'clients'], statements: ['workload'] },
  mongodb: { settings: ['operational', 'cmdLineOpts'], access: ['operational', 'users'], schema: ['schema', 'databases'], activity: ['runtime', 'currentOp', 'replicaSetStatus'], statements: ['workload', 'profiler'] },
};

function collectorsOf(engine: string, needs: readonly Need[], own: readonly string[] = []): Set<string> {
  const out = new Set(own);
  for (const n of needs) for (const c of NEED_COLLECTORS[engine]?.[n as DataNeed] ?? []) out.add(c);
  return out;
}

/** Why a need is not met by what the store holds, or null when it is. */
function unmetNeed(need: Need, input: HealthInput, minStatsDays: number, now: Date): string | null {
  switch (need) {
    case 'settings':
      return input.settings ? null : 'no settings snapshot stored for this target yet (the operational collection has not reached the server)';
    case 'access':
      return input.access ? null : 'no accounts and privileges snapshot stored for this target yet';
    case 'schema':
      return input.schema ? null : 'no schema snapshot stored for this target yet (the schema collection runs every 4 hours)';
    case 'activity':
      return input.activity.length > 0 ? null : `no runtime snapshot stored in the last ${input.windowHours} h`;
    case 'statements':
      return input.statements.length > 0 ? null : `no statement statistics stored in the last ${input.windowHours} h (pg_stat_statements / performance_schema digests not collected)`;
    case 'host':
      return input.host && (input.host.colocated || input.host.memoryBytes !== null)
        ? null
        : 'needs host facts: declare the target co-located with its agent, or configure its RAM';
    case 'history': {
      if (!input.observedSince) return 'statistics too young: no schema snapshot stored yet';
      const days = (now.getTime() - new Date(input.observedSince).getTime()) / DAY_MS;
      return days >= minStatsDays ? null : `statistics too young: observed for ${days.toFixed(1)} days, the rule waits for ${minStatsDays}`;
    }
    default: {
      const prefix = need.slice('series:'.length);
      if (!seriesPrefixNeeded(input.engine, prefix)) return `reads ${prefix || 'any'} series, which reports do not load (not declared in HEALTH_NEEDS.${input.engine})`;
      return input.series.some((s) => s.metric.startsWith(prefix)) ? null : `no ${prefix.replace(/\.$/, '')} series stored for this target`;
    }
  }
}

/** Indexes of what the evaluators read, built once per report (a target may have 20,000 indexes). */
class Indexed {
  private readonly byKind = new Map<string, Map<string, HealthItem[]>>();
  private readonly settingsByName = new Map<string, HealthItem>();
  private readonly seriesByMetric = new Map<string, HealthSeries[]>();

  constructor(private readonly input: HealthInput) {
    for (const kind of ['settings', 'access', 'schema'] as const) {
      const byType = new Map<string, HealthItem[]>();
      for (const item of input[kind]?.items ?? []) {
        const list = byType.get(item.type) ?? [];
        list.push(item);
        byType.set(item.type, list);
        if (kind === 'settings' && !this.settingsByName.has(item.name)) this.settingsByName.set(item.name, item);
      }
      this.byKind.set(kind, byType);
    }
    for (const s of input.series) {
      const list = this.seriesByMetric.get(s.metric) ?? [];
      list.push(s);
      this.seriesByMetric.set(s.metric, list);
    }
  }

  items(kind: string, type: string): HealthItem[] {
    if (kind === 'schema' && !HEALTH_NEEDS[this.input.engine].schemaTypes.includes(type)) throw new SkipRule(`reads schema items of type ${type}, which reports do not load (not declared in HEALTH_NEEDS.${this.input.engine})`);
    return this.byKind.get(kind)?.get(type) ?? [];
  }
  setting(name: string): HealthItem | undefined {
    return this.settingsByName.get(name);
  }
  series(metric: string): HealthSeries[] {
    if (!seriesNeeded(this.input.engine, metric)) throw new SkipRule(`reads the series ${metric}, which reports do not load (not declared in HEALTH_NEEDS.${this.input.engine})`);
    return this.seriesByMetric.get(metric) ?? [];
  }
}

function settingText(item: HealthItem | undefined): string | null {
  const v = item?.def.setting;
  if (v === undefined || v === null) return null;
  return typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v as number | boolean);
}

/**
 * Runs the catalog's rules for the input's engine. Each rule passes, fails with findings (one per object), or is
 * skipped with the reason it could not run: a need the store does not meet, a collector that failed on the target, a
 * version it does not apply to, or its evaluator's own SkipRule. Pure: the same input gives the same results.
 */
export function evaluateCatalog(input: HealthInput, rules: readonly RuleDef[], options: CatalogOptions = {}): RuleResult[] {
  const disabled = new Set(options.disabled ?? []);
  const version = parseVersion(input.engine, input.version);
  const now = new Date(input.now);
  const idx = new Indexed(input);
  const results: RuleResult[] = [];
  for (const r of rules) {
    if (!r.engines.includes(input.engine) || disabled.has(r.id)) continue;
    if (options.frequencies && !options.frequencies.includes(r.frequency)) continue;
    const thresholds = { ...r.thresholds, ...options.thresholds?.[r.id] };
    const skipped = (reason: string): RuleResult => ({ ruleId: r.id, category: r.category, severity: r.severity, status: 'skipped', reason, findings: [] });
    if (r.applies) {
      if (!version) {
        results.push(skipped('the server version is not known yet'));
        continue;
      }
      if (!r.applies(version)) {
        results.push(skipped(`does not apply to ${version.flavor ?? input.engine} ${version.major}.${version.minor} (${r.versions})`));
        continue;
      }
    }
    const collectors = r.onlyCollectors ? new Set(r.onlyCollectors) : collectorsOf(input.engine, r.needs, r.collectors);
    const failed = input.errors.find((e) => collectors.has(e.collector));
    if (failed) {
      results.push(skipped(`collector ${failed.collector} failed on this target: ${failed.message}`));
      continue;
    }
    const unmet = r.needs.map((n) => unmetNeed(n, input, thresholds['minStatsDays'] ?? 14, now)).find((x) => x !== null);
    if (unmet) {
      results.push(skipped(unmet));
      continue;
    }
    const ctx: RuleContext = {
      input,
      version,
      now,
      t: (name) => {
        const v = thresholds[name];
        if (v === undefined) throw new Error(`rule ${r.id} has no threshold ${name}`);
        return v;
      },
      setting: (name) => settingText(idx.setting(name)),
      settingItem: (name) => idx.setting(name),
      items: (kind, type) => idx.items(kind, type),
      series: (metric) => idx.series(metric),
      value: (metric) => idx.series(metric)[0]?.value ?? null,
      activity: input.activity,
      statements: input.statements,
      skip: (reason) => {
        throw new SkipRule(reason);
      },
    };
    try {
      const drafts = r.check(ctx);
      const findings: Finding[] = drafts.map((d) => ({ ruleId: r.id, object: d.object, category: r.category, severity: d.severity ?? r.severity, message: d.message, evidence: d.evidence }));
      results.push({ ruleId: r.id, category: r.category, severity: r.severity, status: findings.length ? 'fail' : 'pass', reason: null, findings });
    } catch (e) {
      if (e instanceof SkipRule) results.push(skipped(e.message));
      else throw e;
    }
  }
  return results;
}
