import type { AccountsTables } from './accounts/accounts.tables';
import type { AuditTables } from './audit/audit.tables';
import type { ExplorerTables } from './explorer-tables';
import type { PayloadTable } from './payloads/payloads.tables';

export type { GeneratedTimestamp, Timestamp } from './column-types';

/** Every table, each declared beside the code of its area. */
export interface Database extends ExplorerTables, AccountsTables, AuditTables {
  payloads: PayloadTable;
}
