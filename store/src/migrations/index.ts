import type { Migration } from 'kysely';
import * as m20261125T1700 from './20261125T1700_payloads';
import * as m20261201T0900 from './20261201T0900_accounts';
import * as m20261202T1000 from './20261202T1000_explorer_store';
import * as m20261203T1000 from './20261203T1000_payload_body_bytes';
import * as m20261204T1000 from './20261204T1000_partition_creation_race';
import * as m20261205T1020 from './20261205T1020_payload_failures';
import * as m20261205T1030 from './20261205T1030_payload_batches';
import * as m20261205T1040 from './20261205T1040_hot_updates';
import * as m20261205T1200 from './20261205T1200_pending_by_target';
import * as m20261205T1500 from './20261205T1500_alerts';
import * as m20261205T1510 from './20261205T1510_alert_silences';
import * as m20261205T1530 from './20261205T1530_health_finding_alert_rule';
import * as m20261205T1600 from './20261205T1600_integrations';
import * as m20261205T1400 from './20261205T1400_metric_intervals';
import * as m20261205T1410 from './20261205T1410_statement_scans';
import * as m20261205T1700 from './20261205T1700_health';
import * as m20261205T1800 from './20261205T1800_integration_e2e_tests';
import * as m20261205T1830 from './20261205T1830_query_explorer';
import * as m20261205T2120_h4_statement_users from './20261205T2120_h4_statement_users';
import * as m20261205T2120_h4_statement_users_applications from './20261205T2120_h4_statement_users_applications';

/**
 * Every migration, in order. Listed statically rather than read from the folder so the set is the same whichever
 * runtime loads it (tsx, vitest, a bundle) and a missing file is a type error, not a silently skipped migration.
 */
export const migrations: Record<string, Migration> = {
  '20261125T1700_payloads': m20261125T1700,
  '20261201T0900_accounts': m20261201T0900,
  '20261202T1000_explorer_store': m20261202T1000,
  '20261203T1000_payload_body_bytes': m20261203T1000,
  '20261204T1000_partition_creation_race': m20261204T1000,
  '20261205T1020_payload_failures': m20261205T1020,
  '20261205T1030_payload_batches': m20261205T1030,
  '20261205T1040_hot_updates': m20261205T1040,
  '20261205T1200_pending_by_target': m20261205T1200,
  '20261205T1500_alerts': m20261205T1500,
  '20261205T1510_alert_silences': m20261205T1510,
  '20261205T1530_health_finding_alert_rule': m20261205T1530,
  '20261205T1600_integrations': m20261205T1600,
  '20261205T1400_metric_intervals': m20261205T1400,
  '20261205T1410_statement_scans': m20261205T1410,
  '20261205T1700_health': m20261205T1700,
  '20261205T1800_integration_e2e_tests': m20261205T1800,
  '20261205T1830_query_explorer': m20261205T1830,
  '20261205T2120_h4_statement_users': m20261205T2120_h4_statement_users,
  '20261205T2120_h4_statement_users_applications': m20261205T2120_h4_statement_users_applications,
};
