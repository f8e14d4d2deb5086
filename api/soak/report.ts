// The soak's report as text: the figures of issue 12's list, then each invariant with PASS or FAIL.
import type { IdSet } from './facts';
import type { SoakReport } from './run-soak';

const ids = (set: IdSet) => (set.count === 0 ? '' : `  e.g. ${set.sample.slice(0, 5).join(', ')}`);

export function formatReport(r: SoakReport): string {
  const o = r.options;
  const lines: string[] = [];
  const row = (label: string, value: string | number) => lines.push(`  ${label.padEnd(28)} ${value}`);
  lines.push(
    `soak: seed ${o.seed}, ${o.rate} payloads/s for ${o.seconds} s (${r.loadSeconds.toFixed(0)} s run), ${o.poisonPercent} % poison, ` +
      `${o.killsPerProcess} kill(s) of each process${r.aborted ? ' — STOPPED BY A SIGNAL, partial figures' : ''}`,
  );
  lines.push(`  server code: ${r.server}`);
  const s = r.summary;
  if (s) {
    row('sent', `${s.sent} payloads (${s.poisonSent} poison) in ${r.requests} requests`);
    row('accepted', `${s.accepted} (accepted or duplicate)`);
    row('refused at the door', `${s.refused.poison.count} poison, ${s.refused.valid.count} valid${ids(s.refused.valid)}`);
    const codes = Object.entries(s.refusalCodes).map(([k, n]) => `${k} ${n}`).join(', ');
    if (codes) row('  refusals by code', codes);
    row('unanswered at the end', `${s.unanswered.poison.count} poison, ${s.unanswered.valid.count} valid${ids(s.unanswered.valid)}`);
    row('stored exactly once', `${s.storedOnce} (status stored, store_count 1)`);
    row('stored, store re-run', `${s.storedAgain.count} (store_count > 1: the store activity ran again and found it stored)${ids(s.storedAgain)}`);
    row('failed', `${s.failed.poison.count} poison, ${s.failed.valid.count} valid${ids(s.failed.valid)}`);
    row('accepted poison not failed', `${s.poisonNotFailed.count}${ids(s.poisonNotFailed)}`);
    row('lost', `${s.lost.count}${ids(s.lost)}`);
    row('stored twice', `${s.storedTwice.count}${ids(s.storedTwice)}`);
    row('stuck payloads', `${s.stuckPayloads} pending/started after the drain`);
    row('stuck workflows', `${s.runningWorkflows} ingest workflows still running`);
  } else {
    row('facts', `not gathered: ${r.error ?? 'unknown error'}`);
  }
  row('payload rows by status', Object.entries(r.rowsByStatus).map(([k, v]) => `${k} ${v}`).join(', ') || 'n/a');
  const { drainedSecondsAfterLoad: drained, settledSecondsAfterLoad: settled } = r.backlog;
  row('largest backlog', `${r.backlog.peak} pending+started at ${r.backlog.peakAtSeconds} s of the load`);
  row(
    'time to drain',
    drained === null
      ? `not drained within ${o.drainSeconds} s of the load's end`
      : `${drained} s after the load ended (backlog 0, agents empty); ` +
          (settled === null ? 'ingest workflows still running at the deadline' : `last ingest workflow ended after ${settled} s`),
  );
  // The first sample at or after each 30 s mark (a sample waits while the store is down).
  const every30 = r.backlog.samples.filter((x, i, all) => i === 0 || Math.floor(x.t / 30) > Math.floor(all[i - 1]!.t / 30));
  row('backlog every 30 s', every30.map((x) => `${x.t}s:${x.backlog ?? 'down'}`).join(' '));
  row('kills (SIGKILL)', Object.entries(r.processes).map(([n, p]) => `${n} ${p.kills}`).join(', '));
  row('exits of their own', Object.entries(r.processes).map(([n, p]) => `${n} ${p.unexpectedExits}`).join(', '));
  row('failed starts', Object.entries(r.processes).map(([n, p]) => `${n} ${p.failedStarts}`).join(', '));
  row('requests failed, resent', Object.entries(r.failedRequests).map(([k, v]) => `${k} ${v}`).join(', ') || '0');
  if (r.failedSamples.length) {
    lines.push('  failed payloads (first ones):');
    for (const f of r.failedSamples.slice(0, 4)) lines.push(`    ${JSON.stringify(f).slice(0, 300)}`);
  }
  lines.push('invariants:');
  for (const c of r.checks) lines.push(`  ${c.ok ? 'PASS' : 'FAIL'} ${c.name}: ${c.detail}`);
  lines.push(r.ok ? 'soak: every invariant holds' : `soak: FAILED (${r.checks.filter((c) => !c.ok).map((c) => c.name).join(', ') || r.error || 'stopped'})`);
  return lines.join('\n');
}
