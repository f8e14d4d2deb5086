import type { AreaContext, AreaResult } from './area';
import { runCommand } from './client';
import { toPlain } from './plain';

/**
 * https://www.mongodb.com/docs/manual/reference/command/getParameter/
 * `getParameter: '*'` once, then an allow-list: asking for named parameters fails the whole command when one does not
 * exist on this version, and the allow-list keeps anything secret-like out of the payload.
 */
export const getParameterCommand = Object.freeze({ getParameter: '*' });

export const RELEVANT_PARAMETERS = [
  'featureCompatibilityVersion',
  'authenticationMechanisms',
  'enableLocalhostAuthBypass',
  'wiredTigerConcurrentReadTransactions',
  'wiredTigerConcurrentWriteTransactions',
  'storageEngineConcurrencyAdjustmentAlgorithm',
  'cursorTimeoutMillis',
  'transactionLifetimeLimitSeconds',
  'maxTransactionLockRequestTimeoutMillis',
  'internalQueryExecMaxBlockingSortBytes',
  'internalQueryMaxBlockingSortMemoryUsageBytes',
  'maxIndexBuildMemoryUsageMegabytes',
  'notablescan',
  'ttlMonitorEnabled',
  'diagnosticDataCollectionEnabled',
  'logLevel',
  'slowOpThresholdMs',
  'replWriterThreadCount',
  'oplogFetcherUsesExhaust',
  'tlsMode',
  'sslMode',
  'clusterAuthMode',
  'auditAuthorizationSuccess',
  'redactClientLogData',
] as const;

export async function collectParameters(ctx: AreaContext): Promise<AreaResult> {
  const reply = await runCommand(ctx.admin, getParameterCommand, ctx.timeoutMs);
  const parameters: Record<string, unknown> = {};
  for (const name of RELEVANT_PARAMETERS) if (name in reply) parameters[name] = toPlain(reply[name]);
  return { data: { parameters } };
}
