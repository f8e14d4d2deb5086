import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { WEB_DIR } from './support/web-build';

describe('type checks', () => {
  it('svelte-check finds no errors and no warnings in the app, and tsc none in its tests, bench and scripts', () => {
    const r = spawnSync('npm', ['run', 'check', '--silent'], { cwd: WEB_DIR, encoding: 'utf8' });
    const out = `${r.stdout}\n${r.stderr}`;
    expect(out, out).toMatch(/svelte-check found 0 errors and 0 warnings/);
    expect(r.status).toBe(0);
  }, 180_000);
});
