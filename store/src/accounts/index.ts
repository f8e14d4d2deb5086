// The accounts area: organizations, users, browser sessions, invitations, agent keys, the first-run setup token and
// the sign-in throttle.
export * from './accounts.tables';
export * from './organizations.repository';
export * from './users.repository';
export * from './sessions.repository';
export * from './invitations.repository';
export * from './agent-keys.repository';
export * from './setup-tokens.repository';
export * from './login-throttle.repository';
