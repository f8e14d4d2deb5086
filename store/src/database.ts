import type { AccountsTables } from './accounts/accounts.tables';
import type { AlertsTables } from './alerts/alerts.tables';
import type { ActivityTables } from './activity/activity.tables';
import type { AuditTables } from './audit/audit.tables';
import type { HealthTables } from './health/health.tables';
import type { IntegrationsTables } from './integrations/integrations.tables';
import type { MetricsTables } from './metrics/metrics.tables';
import type { PayloadTable } from './payloads/payloads.tables';
import type { QueriesTables } from './queries/queries.tables';
import type { SnapshotsTables } from './snapshots/snapshots.tables';
import type { TargetsTables } from './targets/targets.tables';

export type { GeneratedTimestamp, Json, Timestamp } from './column-types';

/** Every table, each declared beside the code of its area. */
export interface Database extends MetricsTables, QueriesTables, ActivityTables, SnapshotsTables, TargetsTables, AccountsTables, AuditTables, IntegrationsTables, AlertsTables, HealthTables {
  payloads: PayloadTable;
}
