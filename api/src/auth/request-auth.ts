import type { Role } from '@logstag/store';

/** The signed-in user behind a request, loaded from the session cookie. Role is read fresh on every request. */
export interface SessionPrincipal {
  userId: string;
  organizationId: string;
  email: string;
  role: Role;
  sessionHash: string;
  csrfToken: string;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      auth?: SessionPrincipal;
    }
  }
}
