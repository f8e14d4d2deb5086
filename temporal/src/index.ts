export * from './constants';
export * from './errors';
export * from './settings';
export * from './cli-binary';
export * from './dev-server';
export * from './connection';
export * from './worker';
export * from './net';
