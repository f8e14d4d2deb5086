import { describe, expect, it } from 'vitest';
import { soakOptions } from '../soak/options';
import { formatReport } from '../soak/report';
import { runSoak } from '../soak/run-soak';

/**
 * The 60-second soak of issue 12 (`npm run soak` runs 10 minutes): the store, Temporal, the API and a worker as
 * processes of their own, each killed with SIGKILL once while agents send 50 payloads/s with 1 % poison. Every named
 * invariant must hold: nothing accepted is lost, only poison fails, nothing is stored twice, nothing is left stuck.
 * The drain deadline is generous: a worker killed with a store activity in flight leaves it to its 2-minute
 * start-to-close timeout.
 */
describe('soak under SIGKILL chaos', () => {
  it('keeps every promise of ingest while the API, the worker, Temporal and PostgreSQL are each killed', async () => {
    const options = soakOptions({ rate: 50, seconds: 60, killsPerProcess: 1, drainSeconds: 200, seed: 12 });
    const report = await runSoak(options, (line) => process.stdout.write(`${line}\n`));
    const text = formatReport(report);
    process.stdout.write(`${text}\n`);
    expect(report.error, text).toBeUndefined();
    expect(report.checks.map((c) => c.name), text).toEqual(expect.arrayContaining(['nothing-lost', 'no-stuck-payloads', 'chaos-happened']));
    expect(report.checks.filter((c) => !c.ok), text).toEqual([]);
    // The run proves something only if it sent what it was asked to, poison included, and the chaos really happened.
    expect(report.summary!.sent, text).toBeGreaterThanOrEqual(options.rate * options.seconds);
    expect(report.summary!.poisonSent, text).toBeGreaterThan(0);
    expect(Object.values(report.processes).map((p) => p.kills), text).toEqual([1, 1, 1, 1]);
  }, 420_000);
});
