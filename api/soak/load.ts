// The soak's load: recorded real payloads (bench:ingest's mix), a fresh id and collection time each, produced at a
// fixed total rate and handed to the simulated agent that owns their target; a seeded share of them is poison.
import { Agent } from 'undici';
import { v7 as uuidv7 } from 'uuid';
import type { Ledger } from './ledger';
import { POISON_KINDS, poisonLine, type PoisonKind } from './poison';
import type { Rng } from './rng';
import { SimulatedAgent } from './simulated-agent';

export interface LoadOptions {
  url: string;
  /** One agent API key per simulated agent; templates name their agent `agent-<n>`. */
  keys: string[];
  templates: Array<Record<string, unknown>>;
  rate: number;
  seconds: number;
  poisonPercent: number;
  /** Which payloads are poison, and the agents' backoff jitter. */
  rng: Rng;
  ledger: Ledger;
}

export interface RunningLoad {
  /** Resolves when the generation time is over (the agents may still be sending). */
  generated: Promise<void>;
  /** Payloads still waiting in the agents (fresh or spooled). */
  waiting(): number;
  /** Lets the agents send what they hold, then resolves when all of it has a final answer (or abort() was called). */
  finish(): Promise<void>;
  /** Stops generating and sending now. */
  abort(): void;
}

function agentIndex(template: Record<string, unknown>, agents: number): number {
  const n = Number(String(template.agentId).replace(/^agent-/, ''));
  return Number.isInteger(n) ? n % agents : 0;
}

export function startLoad(options: LoadOptions): RunningLoad {
  const { ledger, rng, templates } = options;
  // One connection per agent, as each real agent has its own.
  const dispatcher = new Agent({ connections: options.keys.length, keepAliveTimeout: 10_000 });
  const agents = options.keys.map((key) => new SimulatedAgent(key, { url: options.url, dispatcher, ledger, random: () => rng.next() }));
  const running = agents.map((a) => a.run());
  let created = 0;
  let poisoned = 0;
  let stopGenerating!: () => void;
  const generated = new Promise<void>((resolve) => (stopGenerating = resolve));
  const started = Date.now();
  const total = Math.round(options.rate * options.seconds);

  const create = () => {
    const template = templates[created % templates.length]!;
    const id = uuidv7();
    const payload = { ...template, id, collectedAt: new Date().toISOString() };
    let kind: PoisonKind | null = null;
    if (rng.next() * 100 < options.poisonPercent) kind = POISON_KINDS[poisoned++ % POISON_KINDS.length]!;
    ledger.created(id, kind);
    agents[agentIndex(template, agents.length)]!.submit(id, kind ? poisonLine(payload, kind) : JSON.stringify(payload));
    created += 1;
  };
  // Payloads due so far, made every 50 ms: the rate holds however late a tick fires.
  const timer = setInterval(() => {
    const due = Math.min(total, Math.floor((options.rate * (Date.now() - started)) / 1000));
    while (created < due) create();
    if (created >= total) {
      clearInterval(timer);
      stopGenerating();
    }
  }, 50);

  return {
    generated,
    waiting: () => agents.reduce((n, a) => n + a.waiting, 0),
    async finish() {
      await generated;
      for (const a of agents) a.finish();
      await Promise.all(running);
      await dispatcher.close();
    },
    abort() {
      clearInterval(timer);
      stopGenerating();
      for (const a of agents) a.abort();
    },
  };
}
