// House lint rules (shared/STYLE.md): promises are awaited, types imported as types, no import cycles, packages
// imported by name, and workflows free of Node built-ins (they run in Temporal's deterministic sandbox).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { importX } from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import { builtinModules } from 'node:module';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/build/**', '**/.svelte-kit/**', 'web/**', '.data/**', '.tools/**', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [createTypeScriptImportResolver()] },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-explicit-any': 'off',
      'import-x/no-cycle': 'error',
      'import-x/no-relative-packages': 'error',
    },
  },
  {
    // api/ is HTTP: routes, services, middleware, the app. Only its process shell (api/src/server, entered by
    // api/src/main.ts) starts Temporal pieces, and the worker's activities are Temporal's to load, never the API's.
    files: ['api/src/**/*.ts'],
    ignores: ['api/src/server/**', 'api/src/main.ts', 'api/src/index.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: '@logstag/activities', message: 'api/ never imports the worker package: shared code lives in @logstag/store or @logstag/schema' },
            { name: '@logstag/temporal', message: 'HTTP code gets Temporal pieces injected by the process shell (api/src/server); names come from @logstag/temporal/contracts' },
            { name: '@temporalio/worker', message: 'workers are started by the process shell (api/src/server) through @logstag/temporal' },
          ],
          patterns: [{ group: ['./server', './server/*', '../server', '../server/*'], message: 'the process shell composes the HTTP app, not the other way round' }],
        },
      ],
    },
  },
  {
    files: ['api/src/server/**/*.ts', 'api/src/main.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: '@logstag/activities', message: 'the worker runner in @logstag/temporal builds the activities from injected deps' }] },
      ],
    },
  },
  {
    // The agent is bundled with esbuild at start-up (bench:agent holds it to 80 MB RSS): the REST API's response
    // schemas are the server's and the web's, never the agent's.
    files: ['agent/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: '@logstag/schema/api', message: 'the REST API contract is not the agent’s: import the payload contract from @logstag/schema/core' },
            { name: '@logstag/schema', message: 'the package root also carries the server’s alert, integration and maintenance modules (zod’s chained API, rrule): import @logstag/schema/core' },
            { name: '@logstag/schema/health', message: 'the Health Check catalog is the server’s: import @logstag/schema/core' },
          ],
        },
      ],
    },
  },
  {
    files: ['workflows/src/**/*.ts'],
    rules: {
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            ...[...builtinModules, ...builtinModules.map((m) => `node:${m}`)].map((name) => ({ name, message: 'workflows are deterministic: no Node built-ins (use an activity)' })),
            // Temporal evaluates every module of the bundle again for each workflow it starts: values come from the
            // zod-free @logstag/schema/workflow; the rest of the package is for `import type` only.
            ...['@logstag/schema', '@logstag/schema/core', '@logstag/schema/api', '@logstag/schema/health'].map((name) => ({ name, allowTypeImports: true, message: 'run-time values for workflows come from @logstag/schema/workflow (no zod, no catalog)' })),
          ],
        },
      ],
    },
  },
);
