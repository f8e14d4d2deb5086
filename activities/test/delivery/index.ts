// Test support for deliveries, shared by the activities, workflows and api tests (@logstag/activities/delivery-testing).
export * from './receiver';
export * from './fixtures';
export * from './vendor-checks';
export * from './receiver-binaries';
