export * from './core';
export * from './notifications';
export * from './alerts';
export * from './alert-workflow';
export * from './maintenance';
export * from './alert-preview';
export * from './integrations';
export * from './integration-e2e';
