// The REST API's response schemas and the types inferred from them: the API declares its routes with them
// (api/src/http/api-registry.ts, which generates /api/openapi.json from them) and the web client imports their types.
//
// A subpath of its own (`@logstag/schema/api`), never re-exported by the package's index: the agent bundles
// `@logstag/schema` with esbuild at start-up and must not carry the API's schemas (lint: no-restricted-imports).
export * from './common';
export * from './accounts';
export * from './audit';
export * from './payloads';
export * from './probes';
export * from './explorer';
export * from './integrations';
export * from './alerts';
export * from './health';
