import type { Kysely } from 'kysely';
import type { Database } from '@logstag/store';
import { fleetSchema } from '@logstag/schema/api';
import { fleetOverview } from './fleet.service';
import { resolveRange, withRange } from './inputs';
import type { ExplorerRegistry } from './registry';

export function fleetRoutes(r: ExplorerRegistry, db: Kysely<Database>): void {
  r.get({
    path: '/api/explorer/fleet',
    tag: 'Database Explorer',
    summary: 'Fleet overview: per target its reporting state, connections against the limit, throughput, cache hit, blocked sessions, replication lag and a throughput sparkline',
    query: withRange({}),
    response: fleetSchema,
    handle: async ({ organizationId, query }) => fleetOverview(db, organizationId, resolveRange(query)),
  });
}
