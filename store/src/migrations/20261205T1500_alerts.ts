import { sql, type Kysely } from 'kysely';

// Frozen in time: never import application types here.
// Alerts (issue 15): rules, escalation policies, the evaluator's condition state, episodes and their timeline; and the
// default rule pack of that day for every existing organization (new ones get the pack of their day when created).
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table alert_rules (
      id text primary key,
      organization_id text not null references organizations(id) on delete cascade,
      pack_key text,
      name text not null,
      enabled boolean not null default true,
      severity text not null check (severity in ('critical', 'warning', 'info')),
      condition jsonb not null,
      scope jsonb not null,
      summary_template text not null,
      escalation_policy_id text,
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      deleted_at timestamptz
    )`.execute(db);
  await sql`create index alert_rules_org_idx on alert_rules (organization_id) where deleted_at is null`.execute(db);
  await sql`
    create table escalation_policies (
      id text primary key,
      organization_id text not null references organizations(id) on delete cascade,
      name text not null,
      tiers jsonb not null,
      repeat integer not null default 0 check (repeat between 0 and 9),
      ack_timeout_seconds integer,
      is_default boolean not null default false,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      deleted_at timestamptz
    )`.execute(db);
  await sql`create unique index escalation_policies_default_idx on escalation_policies (organization_id) where is_default and deleted_at is null`.execute(db);
  // No foreign key to organizations: the ingest evaluator writes these for whatever organization a payload names.
  await sql`
    create table alert_conditions (
      organization_id text not null,
      fingerprint text not null,
      rule_id text not null,
      rule_version integer not null,
      subject_id text not null,
      labels jsonb not null,
      breaching boolean not null,
      severity text,
      value double precision,
      observed_at timestamptz not null,
      changed_at timestamptz not null,
      primary key (organization_id, fingerprint)
    )`.execute(db);
  await sql`create index alert_conditions_rule_idx on alert_conditions (rule_id)`.execute(db);
  await sql`
    create table alert_episodes (
      id text primary key,
      organization_id text not null,
      fingerprint text not null,
      workflow_id text not null,
      rule_id text not null,
      rule_name text not null,
      target_id text,
      agent_id text,
      labels jsonb not null,
      status text not null,
      severity text not null,
      summary text not null,
      values jsonb not null,
      started_at timestamptz not null,
      firing_at timestamptz,
      acknowledged_at timestamptz,
      acknowledged_by text,
      snoozed_until timestamptz,
      resolved_at timestamptz,
      resolve_reason text,
      updated_at timestamptz not null
    )`.execute(db);
  await sql`create index alert_episodes_active_idx on alert_episodes (organization_id, started_at) where resolved_at is null`.execute(db);
  await sql`create index alert_episodes_history_idx on alert_episodes (organization_id, started_at desc)`.execute(db);
  await sql`
    create table alert_events (
      id text primary key,
      organization_id text not null,
      episode_id text not null,
      seq integer not null,
      ts timestamptz not null,
      kind text not null,
      actor text,
      reason text,
      data jsonb not null
    )`.execute(db);
  await sql`create index alert_events_episode_idx on alert_events (episode_id, seq)`.execute(db);

  const organizations = await db.selectFrom('organizations').select('id').execute();
  for (const { id } of organizations) {
    for (const { key, rule } of DEFAULT_RULE_PACK_20261205) {
      await db
        .insertInto('alert_rules')
        .values({
          id: sql`gen_random_uuid()::text`,
          organization_id: id,
          pack_key: key,
          name: rule.name,
          enabled: rule.enabled,
          severity: rule.severity,
          condition: JSON.stringify(rule.condition),
          scope: JSON.stringify(rule.scope),
          summary_template: rule.summaryTemplate,
          escalation_policy_id: null,
        })
        .execute();
    }
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['alert_events', 'alert_episodes', 'alert_conditions', 'escalation_policies', 'alert_rules']) await db.schema.dropTable(t).execute();
}

/** The default rule pack as it was on 2026-12-05 (schema's DEFAULT_RULE_PACK may change later; this copy may not). */
const DEFAULT_RULE_PACK_20261205: Array<{ key: string; rule: { name: string; enabled: boolean; severity: string; condition: unknown; scope: unknown; summaryTemplate: string } }> = [
  {
    "key": "connections-near-limit",
    "rule": {
      "enabled": true,
      "name": "Connections above 85 % of the limit",
      "severity": "warning",
      "condition": {
        "kind": "threshold",
        "metric": "connections.used",
        "ratioOf": [
          "connections.max"
        ],
        "comparator": ">",
        "value": 85,
        "criticalValue": 95,
        "forSeconds": 60,
        "clearForSeconds": 120
      },
      "scope": {
        "engines": [],
        "targetIds": [],
        "tags": {}
      },
      "summaryTemplate": "{{target}}: connections at {{value}} % of the limit"
    }
  },
  {
    "key": "replication-lag",
    "rule": {
      "enabled": true,
      "name": "Replication lag",
      "severity": "warning",
      "condition": {
        "kind": "threshold",
        "metric": "replication.lag_seconds",
        "comparator": ">",
        "value": 60,
        "criticalValue": 300,
        "forSeconds": 120,
        "clearForSeconds": 120
      },
      "scope": {
        "engines": [],
        "targetIds": [],
        "tags": {}
      },
      "summaryTemplate": "{{target}}: replica {{labels.replica}} is {{value}} s behind"
    }
  },
  {
    "key": "long-running-statement",
    "rule": {
      "enabled": true,
      "name": "Long-running statement",
      "severity": "warning",
      "condition": {
        "kind": "activity",
        "condition": "long_running_statement",
        "seconds": 300,
        "minSessions": 1,
        "forSeconds": 0,
        "clearForSeconds": 60
      },
      "scope": {
        "engines": [
          "postgresql",
          "mysql",
          "mongodb"
        ],
        "targetIds": [],
        "tags": {}
      },
      "summaryTemplate": "{{target}}: {{value}} statement(s) running for more than 5 minutes"
    }
  },
  {
    "key": "blocked-sessions",
    "rule": {
      "enabled": true,
      "name": "Blocked sessions",
      "severity": "warning",
      "condition": {
        "kind": "activity",
        "condition": "blocked_sessions",
        "seconds": 30,
        "minSessions": 1,
        "forSeconds": 0,
        "clearForSeconds": 60
      },
      "scope": {
        "engines": [
          "postgresql",
          "mysql"
        ],
        "targetIds": [],
        "tags": {}
      },
      "summaryTemplate": "{{target}}: {{value}} session(s) blocked for more than 30 s"
    }
  },
  {
    "key": "idle-in-transaction",
    "rule": {
      "enabled": true,
      "name": "Idle in transaction",
      "severity": "warning",
      "condition": {
        "kind": "activity",
        "condition": "idle_in_transaction",
        "seconds": 600,
        "minSessions": 1,
        "forSeconds": 0,
        "clearForSeconds": 60
      },
      "scope": {
        "engines": [
          "postgresql"
        ],
        "targetIds": [],
        "tags": {}
      },
      "summaryTemplate": "{{target}}: {{value}} session(s) idle in transaction for more than 10 minutes"
    }
  },
  {
    "key": "deadlocks",
    "rule": {
      "enabled": true,
      "name": "Deadlocks",
      "severity": "warning",
      "condition": {
        "kind": "threshold",
        "metric": "deadlocks",
        "comparator": ">",
        "value": 0,
        "forSeconds": 0,
        "clearForSeconds": 600
      },
      "scope": {
        "engines": [
          "postgresql"
        ],
        "targetIds": [],
        "tags": {}
      },
      "summaryTemplate": "{{target}}: {{value}} deadlock(s) in {{labels.database}}"
    }
  },
  {
    "key": "cache-hit-ratio",
    "rule": {
      "enabled": true,
      "name": "Cache hit ratio below 90 %",
      "severity": "info",
      "condition": {
        "kind": "threshold",
        "metric": "cache.hits",
        "ratioOf": [
          "cache.hits",
          "cache.misses"
        ],
        "comparator": "<",
        "value": 90,
        "forSeconds": 600,
        "clearForSeconds": 600
      },
      "scope": {
        "engines": [
          "postgresql",
          "mysql",
          "redis"
        ],
        "targetIds": [],
        "tags": {}
      },
      "summaryTemplate": "{{target}}: cache hit ratio {{value}} %"
    }
  },
  {
    "key": "memory-near-maxmemory",
    "rule": {
      "enabled": true,
      "name": "Memory near maxmemory",
      "severity": "warning",
      "condition": {
        "kind": "threshold",
        "metric": "memory.used_bytes",
        "ratioOf": [
          "memory.max_bytes"
        ],
        "comparator": ">",
        "value": 90,
        "criticalValue": 98,
        "forSeconds": 60,
        "clearForSeconds": 120
      },
      "scope": {
        "engines": [
          "redis"
        ],
        "targetIds": [],
        "tags": {}
      },
      "summaryTemplate": "{{target}}: memory at {{value}} % of maxmemory"
    }
  },
  {
    "key": "target-silent",
    "rule": {
      "enabled": true,
      "name": "Target silent",
      "severity": "critical",
      "condition": {
        "kind": "absence",
        "subject": "target",
        "silentSeconds": 180,
        "forSeconds": 0,
        "clearForSeconds": 0
      },
      "scope": {
        "engines": [],
        "targetIds": [],
        "tags": {}
      },
      "summaryTemplate": "{{target}}: no data for more than 3 minutes"
    }
  },
  {
    "key": "agent-silent",
    "rule": {
      "enabled": true,
      "name": "Agent silent",
      "severity": "critical",
      "condition": {
        "kind": "absence",
        "subject": "agent",
        "silentSeconds": 180,
        "forSeconds": 0,
        "clearForSeconds": 0
      },
      "scope": {
        "engines": [],
        "targetIds": [],
        "tags": {}
      },
      "summaryTemplate": "Agent {{target}}: no heartbeat for more than 3 minutes"
    }
  }
];
