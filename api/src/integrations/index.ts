export { integrationsRoutes } from './integrations.routes';
export { createIntegrationsService, REPLAY_LIMIT, type IntegrationE2eScheduler, type IntegrationsDeps, type IntegrationsService } from './integrations.service';
export { maskSecret } from './integration-view';
