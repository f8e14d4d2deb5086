import { ensureTemporalCli } from '@logstag/temporal';
import { TEST_TOOLS_DIR } from '@logstag/temporal/testing';

// Build the pinned Temporal CLI once before any test file starts a dev server (no-op when it is there).
export default function setup(): void {
  ensureTemporalCli(process.env.LOGSTAG_TOOLS_DIR ?? TEST_TOOLS_DIR, (msg) => process.stdout.write(`${msg}\n`));
}
