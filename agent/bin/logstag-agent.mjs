#!/usr/bin/env node
// The repository runs TypeScript through tsx (no build step): register its loader, then run the CLI source.
import { register } from 'tsx/esm/api';

register();
await import(new URL('../src/cli.ts', import.meta.url).href);
