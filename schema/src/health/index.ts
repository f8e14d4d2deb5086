// Health Check: the rule catalog per engine, its evaluation over what the store holds of a target, the score and the
// diff between reports. Pure (no Node built-ins): activities run it, the API lists it, the web shows it.
export * from './types';
export * from './input';
export * from './rule';
export * from './evaluate';
export * from './needs';
export * from './catalog';
export * from './score';
export * from './diff';
export * from './frequency';
