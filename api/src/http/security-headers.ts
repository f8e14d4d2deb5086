import { Router } from 'express';
import helmet from 'helmet';

/**
 * helmet's defaults everywhere (nosniff, frame denial, HSTS, referrer policy, COOP/CORP…). Its default CSP is left to
 * the web app (SvelteKit sets its own with hashes for its inline bootstrap); API answers are JSON/CSV, so they get the
 * strictest CSP: nothing may load, nothing may frame them.
 */
export function securityHeaders(): Router {
  const router = Router();
  router.use(helmet({ contentSecurityPolicy: false }));
  router.use(['/api', '/v1'], helmet.contentSecurityPolicy({ useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } }));
  return router;
}
