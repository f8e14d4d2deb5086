import express, { type Express, type RequestHandler } from 'express';
import { pinoHttp } from 'pino-http';
import type { Logger } from 'pino';
import type { Client } from '@temporalio/client';
import type { Store } from '@logstag/store';
import { ApiError } from './http/api-error';
import { ApiRegistry } from './http/api-registry';
import { errorMiddleware } from './http/error-middleware';
import { methodNotAllowed } from './http/method-not-allowed';
import { openApiRoutes } from './http/openapi.routes';
import { explorerRoutes } from './explorer/explorer.routes';
import { probeRoutes } from './probes/probes.routes';
import { ingestRoutes } from './ingest/ingest.routes';
import { createIngestService, type DispatchNudge } from './ingest/ingest.service';
import type { AgentAuthenticator } from './ingest/agent-auth';
import type { IngestDoorSettings } from './ingest/ingest-settings';
import type { SecuritySettings } from './http/security-config';
import { securityHeaders } from './http/security-headers';
import { accountRoutes, apiSecurity } from './http/security-routes';
import { acceptWebForwarding } from './auth/web-forwarding';
import { registerPayloadGauges, type Metrics } from './metrics';
import { countFailedByReason, countStuckByStatus } from '@logstag/store';
import { payloadsRoutes } from './payloads/payloads.routes';
import { healthRoutes } from './health/health.routes';
import type { HealthScheduler } from './health/health.service';
import { integrationsRoutes, type IntegrationE2eScheduler } from './integrations/index';
import { ackRoutes } from './integrations/ack.routes';
import { pagerDutyWebhookRoutes } from './integrations/pagerduty-webhook.routes';
import { alertsRoutes } from './alerts/index';
import type { AckLinks, SecretBox } from '@logstag/store';

export interface AppDeps {
  store: Store;
  temporal: () => Client | null;
  namespace: string;
  /** The ingest dispatcher, nudged after each accepted payload (started by the process shell, api/src/server). */
  dispatcher: DispatchNudge;
  metrics: Metrics;
  logger: Logger;
  /** Agent API keys (agent-keys/agent-key-authenticator.ts); there is deliberately no unauthenticated default. */
  authenticateAgent: AgentAuthenticator;
  security: SecuritySettings;
  /** The ingest door's collectedAt window and nesting limit (config.ingestDoor); the defaults when absent. */
  ingestDoor?: IngestDoorSettings;
  /** Unfinished payloads older than this are stuck (config.payloadStuckAfterMs); 10 minutes when absent. */
  payloadStuckAfterMs?: number;
  /** The built SvelteKit handler; mounted last so API routes win. */
  webHandler?: RequestHandler;
  /** Why Temporal is known to be down (the embedded dev server is restarting), for /readyz; null when it may be up. */
  temporalDown?: () => string | null;
  /** The key integration secrets are sealed with; the integration routes are mounted when it is given. */
  integrationSecrets?: SecretBox;
  /** Verifies the acknowledge links notifications carry; the /ack/:token routes are mounted when it is given. */
  ackLinks?: AckLinks;
  /** Puts a target's health-report Schedule (the process shell binds it to Temporal); absent: settings are saved, not scheduled. */
  healthSchedules?: HealthScheduler;
  /** Puts or removes an organization's daily end-to-end test Schedule (bound to Temporal by the process shell). */
  integrationE2eSchedules?: IntegrationE2eScheduler;
}

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  // Off unless LOGSTAG_TRUST_PROXY names the proxies; the web app's own calls are recognized by acceptWebForwarding.
  app.set('trust proxy', deps.security.trustProxy);
  app.use(acceptWebForwarding());
  app.use(
    pinoHttp({
      logger: deps.logger,
      // Probes and metrics scrapes every few seconds would drown the log.
      autoLogging: { ignore: (req) => ['/healthz', '/readyz', '/metrics'].includes(req.url ?? '') },
      // Credentials travel in these headers; none may reach a log line.
      redact: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-csrf-token"]', 'res.headers["set-cookie"]'],
    }),
  );
  app.use((req, res, next) => {
    const end = deps.metrics.httpDuration.startTimer({ method: req.method });
    res.once('finish', () => end({ route: req.route?.path ?? (res.statusCode === 404 ? 'unmatched' : req.path), status: String(res.statusCode) }));
    next();
  });
  app.use(securityHeaders());
  // Every route is declared in this registry: /api/openapi.json and the 405 answers are generated from it.
  const api = new ApiRegistry();
  app.use(methodNotAllowed(api.routes));
  app.use(
    probeRoutes(api, {
      store: deps.store,
      temporal: deps.temporal,
      namespace: deps.namespace,
      metrics: deps.metrics,
      ...(deps.temporalDown ? { temporalDown: deps.temporalDown } : {}),
    }),
  );
  app.use(
    ingestRoutes(api, {
      service: createIngestService({ db: deps.store.db, dispatcher: deps.dispatcher, metrics: deps.metrics, ...(deps.ingestDoor ? { door: deps.ingestDoor } : {}) }),
      authenticate: deps.authenticateAgent,
    }),
  );
  // Acknowledge links: outside /api, public (the signed token is the credential), no session or CSRF token.
  if (deps.ackLinks) app.use(ackRoutes(api, { db: deps.store.db, temporal: deps.temporal, ackLinks: deps.ackLinks }));
  // PagerDuty v3 webhooks: outside /api as well, verified by signature, not by a session.
  if (deps.integrationSecrets) app.use(pagerDutyWebhookRoutes(api, { db: deps.store.db, temporal: deps.temporal, secrets: deps.integrationSecrets }));
  // Body limit, session and CSRF for every /api route: keep this before any /api router.
  app.use(apiSecurity({ db: deps.store.db, security: deps.security }));
  app.use(accountRoutes(api, { db: deps.store.db, security: deps.security }));
  app.use(explorerRoutes(api, { db: deps.store.db }));
  const stuck = { olderThanMs: deps.payloadStuckAfterMs ?? 10 * 60_000 };
  app.use(payloadsRoutes(api, { db: deps.store.db, stuck }));
  app.use(healthRoutes(api, { db: deps.store.db, temporal: deps.temporal, putSchedule: deps.healthSchedules }));
  if (deps.integrationSecrets) app.use(integrationsRoutes(api, { db: deps.store.db, secrets: deps.integrationSecrets, temporal: deps.temporal, e2eSchedules: deps.integrationE2eSchedules }));
  app.use(alertsRoutes(api, { db: deps.store.db, temporal: deps.temporal }));
  app.use(openApiRoutes(api));
  registerPayloadGauges(deps.metrics, { failedByReason: () => countFailedByReason(deps.store.db), stuckByStatus: () => countStuckByStatus(deps.store.db, stuck) });
  app.use(['/api', '/v1'], (req, _res, next) => next(new ApiError(404, 'not_found', `no route ${req.method} ${req.originalUrl}`)));
  if (deps.webHandler) app.use(deps.webHandler);
  app.use((req, _res, next) => next(new ApiError(404, 'not_found', `no route ${req.method} ${req.originalUrl}`)));
  app.use(errorMiddleware());
  return app;
}
