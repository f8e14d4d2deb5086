export { alertsRoutes } from './alerts.routes';
export { createAlertsService, type AlertsDeps } from './alerts.service';
