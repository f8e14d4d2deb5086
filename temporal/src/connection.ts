import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { TemporalSettings } from './settings';
import { TemporalSetupError } from './errors';

export interface TemporalEndpoint {
  address: string;
  namespace: string;
  tls?: NonNullable<Extract<TemporalSettings, { mode: 'external' }>['tls']>;
  apiKey?: string;
}

function unreachable(endpoint: TemporalEndpoint, err: unknown): TemporalSetupError {
  return new TemporalSetupError(
    `cannot reach Temporal at ${endpoint.address} (namespace ${endpoint.namespace}): ${(err as Error).message}. ` +
      'Check TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE and the TLS / API-key settings, or unset TEMPORAL_ADDRESS to run the embedded server.',
  );
}

/**
 * A client connection; fails fast with a clear message when the cluster does not answer. `grpcRetries: false` is for
 * callers that retry on their own (the ingest dispatcher): the SDK's retry timers outlive a call that gave up and
 * would fire on a closed channel at shutdown ("Channel has been shut down", seen in the outage test).
 */
export async function connectClient(endpoint: TemporalEndpoint, options: { grpcRetries?: boolean } = {}): Promise<Client> {
  try {
    const connection = await Connection.connect({
      address: endpoint.address,
      connectTimeout: 5_000,
      ...(options.grpcRetries === false ? { interceptors: [] } : {}),
      ...(endpoint.tls ? { tls: endpoint.tls } : {}),
      ...(endpoint.apiKey ? { apiKey: endpoint.apiKey } : {}),
    });
    await connection.workflowService.describeNamespace({ namespace: endpoint.namespace });
    return new Client({ connection, namespace: endpoint.namespace });
  } catch (err) {
    throw unreachable(endpoint, err);
  }
}

/** The worker's connection (Rust core). */
export async function connectWorker(endpoint: TemporalEndpoint): Promise<NativeConnection> {
  try {
    return await NativeConnection.connect({
      address: endpoint.address,
      ...(endpoint.tls ? { tls: endpoint.tls } : {}),
      ...(endpoint.apiKey ? { apiKey: endpoint.apiKey } : {}),
    });
  } catch (err) {
    throw unreachable(endpoint, err);
  }
}
