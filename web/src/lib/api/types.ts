// Response shapes of the Logstag REST API: the types inferred from the schemas the API declares its routes with
// (@logstag/schema/api, which also generates /api/openapi.json). Never re-declared here.
export type {
  AcceptedInvitation,
  AgentKey,
  AuditEvent,
  AuditFilter,
  CreatedAgentKey,
  CreatedInvitation,
  IngestPayload,
  Invitation,
  Organization,
  Page,
  PayloadListStatus,
  Role,
  RotatedAgentKey,
  Session,
  SetupDone,
  SetupStatus,
  SignedIn,
  User,
} from '@logstag/schema/api';
