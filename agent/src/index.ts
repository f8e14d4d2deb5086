/** What other workspaces and scripts (the benchmark) may use of the agent without going through its CLI. */
export { loadConfig, parseConfig } from './config/load';
export { ConfigError } from './config/config-error';
export type { AgentConfig, TargetConfig } from './config/types';
export { collectorFactories } from './collectors/index';
export type { EngineCollector, TargetSpec, CounterSpec, CollectorFactory, CheckResult, QueryTextMode } from './collectors/types';
export { createLogger } from './log/logger';
export { startAgent, type RunningAgent } from './runner/agent';
export { checkTargets } from './runner/check-targets';
export { dryRun } from './runner/dry-run';
export { sendOnce, describeSendOnce, type SendOnceSummary } from './runner/send-once';
export { collectOnce } from './runner/collect-once';
export { obfuscateQueryText } from './privacy/obfuscate';
export { shapeOfDocument } from './privacy/shape';
export { diffSince } from './state/diff';
export { CounterState } from './state/counter-state';
