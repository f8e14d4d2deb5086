import type { AgentConfig } from '../config/types';
import type { Logger } from '../log/logger';
import { IngestClient } from '../output/ingest-client';
import { Sender } from '../output/sender';
import { Spool } from '../output/spool';

/**
 * The config's spool and a sender delivering to its server, as `run` and a one-shot send both use them. `purpose`
 * ends the error when the config has no server section ("run", "send").
 */
export async function openSender(config: AgentConfig, logger: Logger, purpose: string): Promise<{ spool: Spool; sender: Sender }> {
  if (!config.server) throw new Error(`${config.configPath}: a server section (url, api_key) is required to ${purpose}`);
  const spool = await Spool.open({ dir: config.spool.dir, maxBytes: config.spool.maxBytes, maxAgeMs: config.spool.maxAgeHours * 3_600_000 });
  const sender = new Sender({
    client: new IngestClient({ serverUrl: config.server.url, apiKey: config.server.apiKey }),
    spool,
    logger: logger.child({ component: 'sender' }),
  });
  return { spool, sender };
}
