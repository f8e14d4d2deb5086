import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
// @ts-expect-error plain ESM script without types; it is dependency-free because it runs before npm install.
import { servicesEnv } from './scripts/services.mjs';

const temporalSetup = fileURLToPath(new URL('./scripts/vitest-temporal-setup.ts', import.meta.url));

// One run over every workspace. Tests that need PostgreSQL, MariaDB or Redis read LOGSTAG_TEST_* (set here from the
// same defaults scripts/services.mjs starts the services with); tests that need Temporal start the real dev server.
export default defineConfig({
  test: {
    projects: ['schema', 'store', 'temporal', 'activities', 'workflows', 'api', 'agent', 'web'].map((name) => ({
      extends: true,
      test: {
        name,
        root: `./${name}`,
        include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
        setupFiles: ['api', 'workflows', 'temporal', 'activities'].includes(name) ? [temporalSetup] : [],
      },
    })),
    env: { ...servicesEnv(), ...pickDefined(process.env) },
    globalSetup: [fileURLToPath(new URL('./scripts/vitest-global-setup.ts', import.meta.url))],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: more workers than that only makes the Temporal dev servers and databases fight for CPU.
    maxWorkers: 2,
    fileParallelism: true,
  },
});

function pickDefined(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[0].startsWith('LOGSTAG_') && e[1] !== undefined));
}
