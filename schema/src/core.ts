// What the agent shares with the server: the payload contract and the types and helpers around it, built on
// zod/mini. The agent imports `@logstag/schema/core`, never the package root, so the server-side modules the root also
// exports (alerts, integrations, maintenance windows with rrule, notifications: zod's chained API) stay out of the
// agent's bundle and heap (agent/test/bundle.test.ts).
export * from './domain';
export * from './payload';
export * from './errors';
export * from './activity-views';
export * from './storable-text';
export * from './payload-door';
export * from './sections';
export * from './metrics';
