export const DEFAULT_NAMESPACE = 'logstag';

/** The pinned Temporal CLI: its dev server embeds Temporal Server 1.29.1. Later CLI versions cannot be go-installed. */
export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal';
export const TEMPORAL_CLI_VERSION = 'v1.5.1';
export const TEMPORAL_SERVER_VERSION = '1.29.1';
