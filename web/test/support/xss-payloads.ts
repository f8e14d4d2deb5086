// Payloads shaped like the PostgreSQL agent's (agent/src/collectors/postgresql) carrying hostile text where a
// monitored database controls it: query text, user names and object names.
import { v7 as uuidv7 } from 'uuid';
import { SCHEMA_VERSION } from '@logstag/schema';

export const XSS_TARGET = 'xss-target';
export const SCRIPT_QUERY = "select 1 /* <script>window.__xss=1</script> */ from t where a = '<b>bold</b>'";
export const IMG_NAME = '<img src=x onerror="window.__xss=1">';

function envelope(category: string, data: Record<string, unknown>) {
  return { id: uuidv7(), kind: 'collection', agentId: 'xss-agent', targetId: XSS_TARGET, engine: 'postgresql', category, collectedAt: new Date().toISOString(), schemaVersion: SCHEMA_VERSION, data };
}

export function xssPayloads() {
  return [
    envelope('runtime', {
      server: { version: 'PostgreSQL 16.0' },
      connections: { total: 2, max_connections: 50, by_state: { active: 1, idle: 1 } },
      sessions: [{ pid: 4242, usename: IMG_NAME, datname: 'postgres', application_name: IMG_NAME, state: 'active', query: SCRIPT_QUERY, query_duration_seconds: 3 }],
      lock_waits: [],
      blocking_tree: [],
    }),
    envelope('workload', {
      server: { version: 'PostgreSQL 16.0' },
      statements: [{ datname: 'postgres', queryid: '777', query: SCRIPT_QUERY, calls: 5, total_exec_time: 12.5, total_plan_time: 0, rows: 5, shared_blks_hit: 10, shared_blks_read: 1 }],
    }),
    envelope('schema', {
      server: { version: 'PostgreSQL 16.0' },
      schemas: [{ datname: 'postgres', name: 'public', owner: 'postgres' }],
      tables: [{ datname: 'postgres', schema: 'public', name: IMG_NAME, owner: IMG_NAME, has_primary_key: false }],
      columns: [{ datname: 'postgres', schema: 'public', table: IMG_NAME, name: IMG_NAME, position: 1, type: 'text', nullable: true }],
      indexes: [],
    }),
  ];
}
