// The process shell (composition root): what `npm start` runs. It starts the store and the Temporal pieces from
// @logstag/temporal (embedded dev server, worker, Schedules), the ingest dispatcher, and the HTTP app of api/src; the
// rest of api/src is HTTP only and never imports from here.
export { startLogstag, type LogstagOptions, type RunningLogstag } from './start-logstag';
export { startWorkerOnly } from './start-worker';
export { createIngestDispatcher, type IngestDispatcher, type IngestDispatcherDeps } from './ingest-dispatcher';
export { importWebHandler, withExpressOrigin } from './web-handler';
export { StartupError } from './startup-error';
