import { sql } from 'kysely';
import type { AlertSeverity, AlertStatus } from '@logstag/schema';
import type { Db } from '../db';
import type { AlertEpisodeRow, AlertEventRow } from './alerts.tables';

/** An episode as the alert workflow writes it (all of it, each time: the last write is the state). */
export interface EpisodeRecord {
  id: string;
  organizationId: string;
  fingerprint: string;
  workflowId: string;
  ruleId: string;
  ruleName: string;
  targetId: string | null;
  agentId: string | null;
  labels: Record<string, string>;
  status: AlertStatus;
  severity: AlertSeverity;
  summary: string;
  values: Record<string, number | string | null>;
  startedAt: string;
  firingAt: string | null;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  snoozedUntil: string | null;
  resolvedAt: string | null;
  resolveReason: string | null;
  updatedAt: string;
}

export interface AlertEventRecord {
  id: string;
  organizationId: string;
  episodeId: string;
  seq: number;
  ts: string;
  kind: string;
  actor: string | null;
  reason: string | null;
  data: Record<string, unknown>;
}

/**
 * Writes an episode's state and its new timeline events in one transaction. Idempotent: events are keyed by id, and an
 * episode row never goes back in time (an older `updatedAt` is ignored), so a retried activity changes nothing.
 */
export async function recordEpisode(db: Db, episode: EpisodeRecord, events: readonly AlertEventRecord[]): Promise<void> {
  const cols = {
    organization_id: episode.organizationId,
    fingerprint: episode.fingerprint,
    workflow_id: episode.workflowId,
    rule_id: episode.ruleId,
    rule_name: episode.ruleName,
    target_id: episode.targetId,
    agent_id: episode.agentId,
    labels: JSON.stringify(episode.labels),
    status: episode.status,
    severity: episode.severity,
    summary: episode.summary,
    values: JSON.stringify(episode.values),
    started_at: episode.startedAt,
    firing_at: episode.firingAt,
    acknowledged_at: episode.acknowledgedAt,
    acknowledged_by: episode.acknowledgedBy,
    snoozed_until: episode.snoozedUntil,
    resolved_at: episode.resolvedAt,
    resolve_reason: episode.resolveReason,
    updated_at: episode.updatedAt,
  };
  await db
    .insertInto('alert_episodes')
    .values({ id: episode.id, ...cols })
    .onConflict((oc) =>
      oc
        .column('id')
        .doUpdateSet(cols)
        .where('alert_episodes.updated_at', '<=', new Date(episode.updatedAt)),
    )
    .execute();
  await appendAlertEvents(db, events);
}

export async function appendAlertEvents(db: Db, events: readonly AlertEventRecord[]): Promise<void> {
  if (events.length === 0) return;
  await db
    .insertInto('alert_events')
    .values(
      events.map((e) => ({
        id: e.id,
        organization_id: e.organizationId,
        episode_id: e.episodeId,
        seq: e.seq,
        ts: e.ts,
        kind: e.kind,
        actor: e.actor,
        reason: e.reason,
        data: JSON.stringify(e.data),
      })),
    )
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}

export interface EpisodeFilter {
  ruleId?: string | undefined;
  targetId?: string | undefined;
  severity?: AlertSeverity | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
}

const SEVERITY_ORDER = `case severity when 'critical' then 0 when 'warning' then 1 else 2 end`;

/** Open episodes (not resolved): most severe first, then oldest first. */
/** Open episodes, most severe then oldest first; the filter applies before the limit, so no match is cut off by others. */
export async function listActiveEpisodes(db: Db, organizationId: string, limit = 500, filter: Pick<EpisodeFilter, 'ruleId' | 'targetId' | 'severity'> = {}): Promise<AlertEpisodeRow[]> {
  let q = db.selectFrom('alert_episodes').selectAll().where('organization_id', '=', organizationId).where('resolved_at', 'is', null);
  if (filter.ruleId) q = q.where('rule_id', '=', filter.ruleId);
  if (filter.targetId) q = q.where('target_id', '=', filter.targetId);
  if (filter.severity) q = q.where('severity', '=', filter.severity);
  return q
    .orderBy(sql.raw(SEVERITY_ORDER))
    .orderBy('started_at')
    .orderBy('id')
    .limit(limit)
    .execute();
}

/** Episodes newest first, filtered; `before` pages on started_at. */
export async function listEpisodeHistory(db: Db, organizationId: string, filter: EpisodeFilter, limit = 100): Promise<AlertEpisodeRow[]> {
  let q = db.selectFrom('alert_episodes').selectAll().where('organization_id', '=', organizationId);
  if (filter.ruleId) q = q.where('rule_id', '=', filter.ruleId);
  if (filter.targetId) q = q.where('target_id', '=', filter.targetId);
  if (filter.severity) q = q.where('severity', '=', filter.severity);
  if (filter.from) q = q.where('started_at', '>=', filter.from);
  if (filter.to) q = q.where('started_at', '<', filter.to);
  return q.orderBy('started_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}

export async function findEpisode(db: Db, organizationId: string, id: string): Promise<AlertEpisodeRow | undefined> {
  return db.selectFrom('alert_episodes').selectAll().where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();
}

export async function episodeTimeline(db: Db, organizationId: string, episodeId: string): Promise<AlertEventRow[]> {
  return db.selectFrom('alert_events').selectAll().where('organization_id', '=', organizationId).where('episode_id', '=', episodeId).orderBy('seq').orderBy('ts').execute();
}

/** Open episodes of one target (a target's page, and the target-removed path). */
export async function activeEpisodesOfTarget(db: Db, organizationId: string, targetId: string): Promise<AlertEpisodeRow[]> {
  return db.selectFrom('alert_episodes').selectAll().where('organization_id', '=', organizationId).where('target_id', '=', targetId).where('resolved_at', 'is', null).execute();
}

/** Open episodes of one rule (rule edited or deleted: their workflows are told). */
export async function activeEpisodesOfRule(db: Db, organizationId: string, ruleId: string): Promise<AlertEpisodeRow[]> {
  return db.selectFrom('alert_episodes').selectAll().where('organization_id', '=', organizationId).where('rule_id', '=', ruleId).where('resolved_at', 'is', null).execute();
}

/**
 * Whether a target's notifications are suppressed by a silent alert: its own target-silent alert firing, or the
 * agent-silent alert of its agent. `exceptRuleId`: the asking rule (a silent alert does not suppress itself).
 */
export async function silentSuppressor(db: Db, organizationId: string, targetId: string, exceptRuleId: string): Promise<string | null> {
  const row = await db
    .selectFrom('alert_episodes as e')
    .innerJoin('alert_rules as r', 'r.id', 'e.rule_id')
    .select(['e.id', 'e.rule_name'])
    .where('e.organization_id', '=', organizationId)
    .where('e.resolved_at', 'is', null)
    .where('e.status', 'in', ['firing', 'acknowledged', 'snoozed'])
    .where('e.rule_id', '!=', exceptRuleId)
    .where(sql<string>`r.condition->>'kind'`, '=', 'absence')
    .where((eb) =>
      eb.or([
        eb('e.target_id', '=', targetId),
        eb('e.agent_id', 'in', eb.selectFrom('targets').select('agent_id').where('organization_id', '=', organizationId).where('target_id', '=', targetId)),
      ]),
    )
    .executeTakeFirst();
  return row ? `${row.rule_name} (${row.id})` : null;
}

/** The newest episode of an alert (only it may be reopened). */
export async function latestEpisodeOf(db: Db, organizationId: string, fingerprint: string): Promise<AlertEpisodeRow | undefined> {
  return db.selectFrom('alert_episodes').selectAll().where('organization_id', '=', organizationId).where('fingerprint', '=', fingerprint).orderBy('started_at', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst();
}

/**
 * The fingerprints of a rule's alerts whose workflows may be running: an open episode, or a condition that holds
 * (a manually resolved alert waits for its condition to clear). A rule's change or deletion is signalled to each.
 */
export async function liveFingerprintsOfRule(db: Db, organizationId: string, ruleId: string): Promise<string[]> {
  const open = await db.selectFrom('alert_episodes').select('fingerprint').where('organization_id', '=', organizationId).where('rule_id', '=', ruleId).where('resolved_at', 'is', null).execute();
  const holding = await db.selectFrom('alert_conditions').select('fingerprint').where('organization_id', '=', organizationId).where('rule_id', '=', ruleId).where('breaching', '=', true).execute();
  return [...new Set([...open, ...holding].map((r) => r.fingerprint))];
}
