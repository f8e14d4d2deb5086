/**
 * A ready-to-paste logstag-agent.yaml (agent/src/config/schema.ts) with the server URL, the new key and one example
 * PostgreSQL target whose password comes from the environment, as the agent's secret references allow.
 */
export function agentConfigSnippet(serverUrl: string, apiKey: string): string {
  return [
    'server:',
    `  url: ${serverUrl}`,
    `  api_key: ${apiKey}`,
    'targets:',
    '  - name: pg-main',
    '    engine: postgresql',
    '    host: 127.0.0.1',
    '    port: 5432',
    '    user: logstag_monitor',
    '    password: env:LOGSTAG_PG_PASSWORD',
    '    database: postgres',
    '    tags:',
    '      env: production',
    '',
  ].join('\n');
}

export const AGENT_RUN_COMMAND = 'logstag-agent run --config logstag-agent.yaml';
