// npm run soak -- [--rate 200] [--seconds 600] [--poison 1] [--seed 1] [--kills N] [--drain-seconds 300] [--keep]
//
// Issue 12's proof that nothing accepted is ever lost: the store (its own durable PostgreSQL cluster), the Temporal
// dev server (SQLite file), the API and a worker run as separate processes on loopback; simulated agents send
// recorded real payloads, 1 % poison, with the agent's retries; a chaos loop SIGKILLs and restarts every process at
// seeded random times. After the load and a drain it prints the figures and the invariants, and exits 1 when one
// fails. SIGINT/SIGTERM stop the load, print what there is and kill every child. docs/reliability.md has more.
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { soakOptionsFromArgv } from './options';
import { formatReport } from './report';
import { runSoak } from './run-soak';

Runtime.install({ logger: new DefaultLogger('ERROR') });

const log = (line: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);

async function main(): Promise<number> {
  const options = soakOptionsFromArgv(process.argv.slice(2));
  const stop = new AbortController();
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.on(sig, () => {
      if (stop.signal.aborted) return;
      log(`soak: ${sig}: stopping the load, gathering what there is, then killing every child`);
      stop.abort();
    });
  }
  const report = await runSoak(options, log, stop.signal);
  process.stdout.write(`${formatReport(report)}\n`);
  if (options.keep) log(`soak: data and logs kept in ${report.dataDir}`);
  return report.ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    log(`soak: ${(err as Error).message}`);
    process.exit(1);
  },
);
