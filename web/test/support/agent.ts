// The real agent (agent/src/runner/agent.ts) collecting from the local test databases and sending to the stack.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { collectorFactories, parseConfig, startAgent, type RunningAgent } from '@logstag/agent';

export interface AgentTarget {
  name: string;
  url: string;
  engine: 'postgresql' | 'mysql' | 'redis';
  /** Only these databases (MySQL/MariaDB: schemas): the shared test servers hold every suite's, too many to collect every few seconds on a loaded machine. */
  databases?: string[];
  /** Collection intervals in seconds, instead of the short ones below (a bench keeps the schema at its production cadence). */
  intervals?: Partial<Record<'runtime' | 'workload' | 'operational' | 'schema', number>>;
}

function targetYaml(t: AgentTarget): string {
  const u = new URL(t.url);
  const lines = [
    `  - name: ${t.name}`,
    `    engine: ${t.engine}`,
    `    host: ${u.hostname}`,
    `    port: ${u.port}`,
    ...(u.username ? [`    user: ${decodeURIComponent(u.username)}`] : []),
    ...(u.password ? [`    password: "${decodeURIComponent(u.password)}"`] : []),
    ...(t.engine === 'postgresql' ? [`    database: ${u.pathname.slice(1) || 'postgres'}`, '    query_text: full'] : []),
    ...(t.engine === 'mysql' ? ['    tls:', '      enabled: false'] : []),
    ...(t.databases ? ['    databases:', `      include: [${t.databases.map((d) => JSON.stringify(d)).join(', ')}]`] : []),
    '    tags:',
    '      env: test',
    '    intervals:',
    `      runtime: ${t.intervals?.runtime ?? 2}`,
    `      workload: ${t.intervals?.workload ?? 3}`,
    `      operational: ${t.intervals?.operational ?? 5}`,
    `      schema: ${t.intervals?.schema ?? 5}`,
  ];
  return lines.join('\n');
}

/** Starts the agent with short intervals so every explorer fills within seconds. */
export async function startTestAgent(serverUrl: string, apiKey: string, targets: AgentTarget[], agentId = 'web-test-agent'): Promise<RunningAgent> {
  const dir = mkdtempSync(join(tmpdir(), 'logstag-web-agent-'));
  const yaml = [
    'server:',
    `  url: ${serverUrl}`,
    `  api_key: ${apiKey}`,
    `agent_id: ${agentId}`,
    'spool:',
    `  dir: ${join(dir, 'spool')}`,
    'targets:',
    ...targets.map(targetYaml),
    '',
  ].join('\n');
  const config = parseConfig(yaml, join(dir, 'logstag-agent.yaml'));
  return startAgent(config, collectorFactories, pino({ level: process.env.LOGSTAG_TEST_AGENT_LOG ?? 'silent' }), { heartbeatIntervalMs: 2000 });
}
