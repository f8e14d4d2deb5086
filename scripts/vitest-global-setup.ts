import { ensureTemporalCli } from '@logstag/temporal';
import { TEST_TOOLS_DIR, testTemporalTestServer } from '@logstag/temporal/testing';

// Build the pinned Temporal CLI and fetch the time-skipping test server once, before any test file starts one
// (no-op when they are there), so their one-time cost does not land in a test's hook timeout.
export default function setup(): void {
  ensureTemporalCli(process.env.LOGSTAG_TOOLS_DIR ?? TEST_TOOLS_DIR, (msg) => process.stdout.write(`${msg}\n`));
  testTemporalTestServer();
}
