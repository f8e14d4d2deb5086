// The soak's invariants: one named check each, judged at the end of a run. A feature that adds a promise (alerts,
// deliveries) adds its check here, and the facts it needs to facts.ts, or queries them itself through `ctx.db`.
import type { Kysely } from 'kysely';
import type { Client } from '@temporalio/client';
import type { Database } from '@logstag/store';
import type { IdSet, SoakFacts } from './facts';
import type { SoakSummary } from './summary';
import type { SupervisedStats } from './supervised';

export interface SoakContext {
  facts: SoakFacts;
  summary: SoakSummary;
  /** Per process: kills done, exits of its own (with their error lines), failed starts. */
  processes: Record<string, SupervisedStats>;
  /** Kills each process was due. */
  killsPerProcess: number;
  /** The soak's store and Temporal, both up while the checks run. */
  db: Kysely<Database>;
  temporal: Client;
}

export interface Verdict {
  ok: boolean;
  detail: string;
}

export interface SoakInvariant {
  name: string;
  /** The promise it checks, in a sentence. */
  description: string;
  check(ctx: SoakContext): Verdict | Promise<Verdict>;
}

const ids = (set: IdSet) => (set.count === 0 ? '' : ` (${set.sample.join(', ')}${set.count > set.sample.length ? ', …' : ''})`);
const none = (set: IdSet, what: string): Verdict => ({ ok: set.count === 0, detail: `${set.count} ${what}${ids(set)}` });

export const SOAK_INVARIANTS: SoakInvariant[] = [
  {
    name: 'chaos-happened',
    description: 'every process was killed with SIGKILL as often as planned (else the run proves less than it says)',
    check: ({ processes, killsPerProcess }) => ({
      ok: Object.values(processes).every((p) => p.kills >= killsPerProcess),
      detail: Object.entries(processes).map(([name, p]) => `${name} ${p.kills}/${killsPerProcess}`).join(', '),
    }),
  },
  {
    name: 'no-crashes',
    description: 'no process exits on its own: a killed store or Temporal server is waited out, not a reason to crash',
    check: ({ processes }) => {
      const crashed = Object.entries(processes).filter(([, p]) => p.unexpectedExits > 0);
      return {
        ok: crashed.length === 0,
        detail: crashed.length
          ? crashed.map(([name, p]) => `${name} ${p.unexpectedExits} (${[...new Set(p.exitReasons)].join(' | ')})`).join('; ')
          : 'none',
      };
    },
  },
  {
    name: 'every-payload-answered',
    description: 'every payload sent got a final answer (accepted, duplicate or rejected) before the drain deadline',
    check: ({ summary }) => {
      const { poison, valid } = summary.unanswered;
      return { ok: poison.count + valid.count === 0, detail: `${valid.count} valid${ids(valid)} and ${poison.count} poison${ids(poison)} unanswered` };
    },
  },
  {
    name: 'valid-payloads-accepted',
    description: 'no valid payload was refused at the door',
    check: ({ summary }) => none(summary.refused.valid, 'valid payloads refused'),
  },
  {
    name: 'nothing-lost',
    description: 'every accepted payload ends stored or failed',
    check: ({ summary }) => {
      const v = none(summary.lost, 'accepted payloads neither stored nor failed');
      const by = Object.entries(summary.lost.byStatus).map(([s, n]) => `${s} ${n}`).join(', ');
      return by ? { ...v, detail: `${v.detail}; by status: ${by}` } : v;
    },
  },
  {
    name: 'accepted-poison-failed',
    description: 'every poison payload that was accepted ends failed, with its error',
    check: ({ summary }) => none(summary.poisonNotFailed, 'accepted poison payloads not failed'),
  },
  {
    name: 'only-poison-failed',
    description: 'no valid payload ends failed',
    check: ({ summary }) => none(summary.failed.valid, 'valid payloads failed'),
  },
  {
    name: 'none-stored-twice',
    description: 'no payload is normalized twice (activity snapshots, snapshots)',
    check: ({ summary }) => none(summary.storedTwice, 'payloads with duplicate normalized rows'),
  },
  {
    name: 'no-stuck-payloads',
    description: 'no payload is still pending or started after the drain',
    check: ({ facts, summary }) => ({
      ok: summary.stuckPayloads === 0,
      detail: `${facts.rowsByStatus.pending ?? 0} pending, ${facts.rowsByStatus.started ?? 0} started`,
    }),
  },
  {
    name: 'no-running-workflows',
    description: 'no ingest workflow is still running after the drain',
    check: ({ facts }) => ({
      ok: facts.runningWorkflows.count === 0,
      detail: [
        `${facts.runningWorkflows.count} running`,
        ...facts.runningWorkflows.sample.map(
          (w) => `${w.workflowId}${w.activity ? `: ${w.activity} attempt ${w.attempt}${w.lastFailure ? `, last failure: ${w.lastFailure}` : ''}` : ''}`,
        ),
      ].join('; '),
    }),
  },
];

export interface CheckResult extends Verdict {
  name: string;
  description: string;
}

/** Runs every invariant; a check that throws fails with its error. */
export async function checkInvariants(ctx: SoakContext, invariants: readonly SoakInvariant[] = SOAK_INVARIANTS): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const inv of invariants) {
    try {
      results.push({ name: inv.name, description: inv.description, ...(await inv.check(ctx)) });
    } catch (err) {
      results.push({ name: inv.name, description: inv.description, ok: false, detail: `the check failed: ${(err as Error).message}` });
    }
  }
  return results;
}
