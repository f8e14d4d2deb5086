import type { CollectorStep } from '../step';
import type { MongodbData } from './sections';
import { collectBuildInfo, collectHostInfo } from './build-host-info';
import { collectCmdLineOpts } from './cmd-line-opts';
import { collectConnPoolStats } from './conn-pool-stats';
import { collectCurrentOp } from './current-op';
import { listDatabases } from './databases';
import { collectOplogWindow } from './oplog-window';
import { collectParameters } from './parameters';
import { collectProfiler } from './profiler';
import { collectReplicaSetConfig } from './replica-set-config';
import { collectReplicaSetStatus } from './replica-set-status';
import { walkSchema } from './schema-walk';
import { fetchServerStatus, opcounterSections, serverStatusSections } from './server-status';
import { CLUSTER_MONITOR, type MongodbContext } from './step-context';
import { collectTop } from './top';
import { collectUsersAndRoles } from './users-roles';

/** Profiler entries of the last minute on the first workload run (later runs continue from the newest seen). */
const PROFILER_FIRST_WINDOW_MS = 60_000;

/** MongoDB 4.4+ and mongos, in the order they run. Each step's area file returns its sections (see area.ts). */
export const MONGODB_STEPS: ReadonlyArray<CollectorStep<MongodbContext, void, MongodbData>> = [
  {
    name: 'serverStatus',
    category: 'runtime',
    required: true,
    ...CLUSTER_MONITOR,
    run: async (ctx, out) => out.add(serverStatusSections(await fetchServerStatus(ctx))),
  },
  { name: 'currentOp', category: 'runtime', required: false, ...CLUSTER_MONITOR, run: async (ctx, out) => out.add(await collectCurrentOp(ctx)) },
  {
    name: 'replicaSetStatus',
    category: 'runtime',
    required: false,
    ...CLUSTER_MONITOR,
    applies: ({ kind }) => kind.replicaSet,
    run: async (ctx, out) => out.add(await collectReplicaSetStatus(ctx)),
  },
  { name: 'connPoolStats', category: 'runtime', required: false, ...CLUSTER_MONITOR, run: async (ctx, out) => out.add(await collectConnPoolStats(ctx)) },
  {
    name: 'serverStatus',
    category: 'workload',
    required: true,
    ...CLUSTER_MONITOR,
    run: async (ctx, out) => out.add(opcounterSections(await fetchServerStatus(ctx))),
  },
  {
    name: 'top',
    category: 'workload',
    required: false,
    ...CLUSTER_MONITOR,
    applies: ({ kind }) => !kind.mongos,
    run: async (ctx, out) => out.add(await collectTop(ctx)),
  },
  {
    name: 'profiler',
    category: 'workload',
    required: false,
    ...CLUSTER_MONITOR,
    run: async (ctx, out) => {
      const databases = (await listDatabases(ctx)).map((d) => d.name).filter((name) => name !== 'local' && name !== 'config');
      out.add(await collectProfiler(ctx, databases, ctx.profilerCursor, PROFILER_FIRST_WINDOW_MS));
    },
  },
  { name: 'buildInfo', category: 'operational', required: false, ...CLUSTER_MONITOR, run: async (ctx, out) => out.add(await collectBuildInfo(ctx)) },
  { name: 'hostInfo', category: 'operational', required: false, ...CLUSTER_MONITOR, run: async (ctx, out) => out.add(await collectHostInfo(ctx)) },
  { name: 'cmdLineOpts', category: 'operational', required: false, ...CLUSTER_MONITOR, run: async (ctx, out) => out.add(await collectCmdLineOpts(ctx)) },
  { name: 'parameters', category: 'operational', required: false, ...CLUSTER_MONITOR, run: async (ctx, out) => out.add(await collectParameters(ctx)) },
  {
    name: 'replicaSetConfig',
    category: 'operational',
    required: false,
    ...CLUSTER_MONITOR,
    applies: ({ kind }) => kind.replicaSet,
    run: async (ctx, out) => out.add(await collectReplicaSetConfig(ctx)),
  },
  {
    name: 'oplogWindow',
    category: 'operational',
    required: false,
    ...CLUSTER_MONITOR,
    applies: ({ kind }) => kind.replicaSet,
    run: async (ctx, out) => out.add(await collectOplogWindow(ctx)),
  },
  {
    // usersInfo and rolesInfo need viewUser and viewRole too (a small custom role, see agent/setup/mongodb.js).
    name: 'users',
    category: 'operational',
    required: false,
    ...CLUSTER_MONITOR,
    run: async (ctx, out) => {
      const databases = await listDatabases(ctx).catch((error: unknown) => {
        ctx.signal.throwIfAborted();
        // Without the database list the users of every database and admin's roles can still be read.
        out.fail(error);
        return [];
      });
      out.add(await collectUsersAndRoles(ctx, databases.map((d) => d.name)));
    },
  },
  { name: 'databases', category: 'schema', required: true, ...CLUSTER_MONITOR, run: walkSchema },
];
