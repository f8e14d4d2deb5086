// The root scripts are not a package; this is the one place the benchmarks read their defaults from.
/* eslint-disable import-x/no-relative-packages */
// @ts-expect-error plain ESM script without types (dependency-free: it runs before npm install)
import { servicesEnv } from '../../scripts/services.mjs';
/* eslint-enable import-x/no-relative-packages */

/** Points the LOGSTAG_TEST_* variables the caller has not set at the test-services cluster (`node scripts/services.mjs start`). */
export function useTestServicesEnv(): void {
  for (const [k, v] of Object.entries(servicesEnv() as Record<string, string>)) process.env[k] ??= v;
}
