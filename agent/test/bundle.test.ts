import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const buildBundle = fileURLToPath(new URL('../bin/build-bundle.mjs', import.meta.url));

describe('the agent bundle', () => {
  it("carries zod/mini, not zod's chained API, which would cost the agent about 2 MB of heap for good", () => {
    const built = spawnSync(process.execPath, [buildBundle], { encoding: 'utf8' });
    expect(built.status, built.stderr).toBe(0);
    const dir = dirname(built.stdout.trim());
    const code = readdirSync(dir)
      .filter((f) => f.endsWith('.js'))
      .map((f) => readFileSync(join(dir, f), 'utf8'))
      .join('\n');
    // zod names each schema class once, where it is defined: "ZodMiniString" in zod/mini, "ZodString" in the chained API.
    expect(code).toContain('"ZodMiniString"');
    expect(code).not.toContain('"ZodString"');
  });
});
