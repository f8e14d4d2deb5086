// The soak's settings, from the command line of `npm run soak -- …` or from a test.
import { parseArgs } from 'node:util';

export interface SoakOptions {
  /** Payloads per second, all agents together. */
  rate: number;
  /** Seconds of load (the chaos loop runs during them). */
  seconds: number;
  /** Share of the payloads that is poison, in percent. */
  poisonPercent: number;
  /** Seeds kill times, downtimes, the poison pattern and the agents' backoff jitter. */
  seed: number;
  /** SIGKILLs of each process (api, worker, temporal, postgres) during the load. */
  killsPerProcess: number;
  /** Distinct monitored targets in the recorded payload mix (200 as in bench:ingest). */
  targets: number;
  /** How long after the load the backlog may take to drain before what is left counts as stuck. */
  drainSeconds: number;
  /** LOGSTAG_INGEST_CLAIM_TIMEOUT_SECONDS for the API: a claim older than this is taken again. */
  claimTimeoutSeconds: number;
  /** Notifications started per second during the load (signed webhooks to a dedup-aware loopback receiver); 0: none. */
  deliveriesPerSecond: number;
  /** Alerts opened per second during the load (four in five cleared 3 s later), notified as signed webhooks; 0: none. */
  alertsPerSecond: number;
  /** Keep the data folder (store, Temporal SQLite file, process logs) after the run. */
  keep: boolean;
  /** Parent folder of the run's data folder. */
  parentDir: string;
  /** Run the API and the worker of another checkout (with its own node_modules), to compare two versions. */
  serverRoot?: string | undefined;
  /** Run the API and the worker of this commit, extracted into the data folder (frozen while the soak runs). */
  serverCommit?: string | undefined;
}

export const SOAK_USAGE = `npm run soak -- [--rate 200] [--seconds 600] [--poison 1] [--seed 1] [--kills N] [--targets 200]
                [--drain-seconds 300] [--claim-timeout 30] [--deliveries 1] [--alerts 0.5] [--keep] [--dir /var/tmp]
                [--server-commit <rev> | --server-root <checkout>]`;

/** 3 kills of each process per 10 minutes of load, at least 1. */
export const defaultKills = (seconds: number) => Math.max(1, Math.ceil((3 * seconds) / 600));

export function soakOptions(partial: Partial<SoakOptions> = {}): SoakOptions {
  const seconds = partial.seconds ?? 600;
  return {
    rate: 200,
    poisonPercent: 1,
    seed: 1,
    killsPerProcess: defaultKills(seconds),
    targets: 200,
    drainSeconds: 300,
    claimTimeoutSeconds: 30,
    deliveriesPerSecond: 1,
    alertsPerSecond: 0.5,
    keep: false,
    parentDir: '/var/tmp',
    ...partial,
    seconds,
  };
}

export function soakOptionsFromArgv(argv: string[]): SoakOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      rate: { type: 'string' },
      seconds: { type: 'string' },
      poison: { type: 'string' },
      seed: { type: 'string' },
      kills: { type: 'string' },
      targets: { type: 'string' },
      'drain-seconds': { type: 'string' },
      'claim-timeout': { type: 'string' },
      deliveries: { type: 'string' },
      alerts: { type: 'string' },
      keep: { type: 'boolean' },
      dir: { type: 'string' },
      'server-root': { type: 'string' },
      'server-commit': { type: 'string' },
    },
  });
  const num = (name: string, v: string | undefined, min: number): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isFinite(n) || n < min) throw new Error(`--${name} must be a number ≥ ${min}, got "${v}"\nusage: ${SOAK_USAGE}`);
    return n;
  };
  const given: Partial<SoakOptions> = {
    rate: num('rate', values.rate, 1),
    seconds: num('seconds', values.seconds, 1),
    poisonPercent: num('poison', values.poison, 0),
    seed: num('seed', values.seed, 0),
    killsPerProcess: num('kills', values.kills, 0),
    targets: num('targets', values.targets, 1),
    drainSeconds: num('drain-seconds', values['drain-seconds'], 1),
    claimTimeoutSeconds: num('claim-timeout', values['claim-timeout'], 1),
    deliveriesPerSecond: num('deliveries', values.deliveries, 0),
    alertsPerSecond: num('alerts', values.alerts, 0),
    keep: values.keep,
    parentDir: values.dir,
    serverRoot: values['server-root'],
    serverCommit: values['server-commit'],
  };
  if (given.serverRoot && given.serverCommit) throw new Error(`give --server-root or --server-commit, not both\nusage: ${SOAK_USAGE}`);
  return soakOptions(Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) as Partial<SoakOptions>);
}
