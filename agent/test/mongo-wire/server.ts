import { createServer, type Socket } from 'node:net';
import { Int32, Long, type Document } from 'bson';
import { loadFixture } from './fixtures';
import { decodeCommand, encodeOpMsgReply, encodeOpReply, OP_QUERY, splitMessages, type IncomingCommand } from './protocol';

/**
 * A MongoDB server for tests that speaks the real wire protocol (OP_MSG, plus OP_QUERY/OP_REPLY for the legacy
 * handshake) on 127.0.0.1 and answers each command with a response a real mongod/mongos recorded (test/fixtures/mongodb,
 * provenance in SOURCES.md). It exists because MongoDB cannot be installed here: the collector runs unchanged against it.
 *
 * A command without a recording gets the error a real server gives an unknown command, so the collector's handling of
 * a missing command (old version, mongos, FerretDB) is exercised instead of a made-up answer.
 */
export type Topology = 'standalone' | 'replset-primary' | 'mongos';

export interface MongoWireServerOptions {
  topology?: Topology;
  /** Which recorded serverStatus to answer with: 7.0.11 primary (complete reply) or the 4.2.8 FTDC one. */
  serverStatus?: '7.0' | '4.2.8';
  /** Which replSetGetStatus recording: the 4.2 primary, DD's derived secondary view, or the 4.2.8 FTDC one. */
  replSetStatus?: 'primary' | 'secondary-derived' | 'ftdc';
  /** Command names on which the server drops the connection instead of answering (a server dying mid-run). */
  closeConnectionOn?: string[];
}

export interface ReceivedCommand {
  name: string;
  db: string;
  /** The command's target when its value is a collection name (`find: 'system.profile'`, `aggregate: 'foo'`). */
  collection?: string;
  /** Top-level stage names of an aggregate pipeline. */
  stages: string[];
  opCode: number;
}

export interface MongoWireServer {
  host: string;
  port: number;
  /** A connection string for a single host; the driver must not try to discover the recorded replica-set members. */
  uri: string;
  /** Every command received, in order (handshakes and monitoring included). */
  received: ReceivedCommand[];
  /** Changes which commands drop the connection, for a server that fails after a successful start. */
  closeConnectionOn(names: string[]): void;
  close(): Promise<void>;
}

/** The documented reply of mongod/mongos to a command it does not have (error code 59, `CommandNotFound`). */
export function commandNotFound(name: string): Document {
  return { ok: 0, errmsg: `no such command: '${name}'`, code: 59, codeName: 'CommandNotFound' };
}

/**
 * Databases and collections this server lists. There is no recorded `listDatabases` or `listCollections` reply
 * (SOURCES.md, "Commands with no real recording found"), so these two envelopes are synthesized, minimal
 * (names and types only), from namespaces the recordings themselves name: `test.foo` is the `$collStats` recording's
 * `ns`, `integration.customers` the `system.profile` recording's `ns`; `admin` and `local` are the dbStats recordings.
 */
const CATALOG: Record<string, string[]> = { admin: [], local: [], integration: ['customers'], test: ['foo'] };
/** The only collection with recorded `$collStats`; its `listIndexes`/`$indexStats` answers come from other recordings. */
const RECORDED_COLLECTION = 'test.foo';

export async function startMongoWireServer(options: MongoWireServerOptions = {}): Promise<MongoWireServer> {
  const topology = options.topology ?? 'replset-primary';
  const received: ReceivedCommand[] = [];
  let closeOn = new Set(options.closeConnectionOn ?? []);
  const sockets = new Set<Socket>();

  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let pending: Buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      try {
        const { messages, rest } = splitMessages(Buffer.concat([pending, chunk]));
        pending = rest;
        for (const message of messages) {
          const command = decodeCommand(message);
          const name = commandName(command.body);
          received.push(describe(command, name));
          if (closeOn.has(name)) {
            socket.destroy();
            return;
          }
          if (command.moreToCome) continue;
          const reply = answer(name, command, topology, options);
          socket.write(command.opCode === OP_QUERY ? encodeOpReply(command.header.requestId, reply) : encodeOpMsgReply(command.header.requestId, reply));
        }
      } catch {
        // A frame the server cannot parse: a real server closes the connection too.
        socket.destroy();
      }
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('test server has no TCP address');
  const host = '127.0.0.1';
  return {
    host,
    port: address.port,
    uri: `mongodb://${host}:${address.port}/?directConnection=true`,
    received,
    closeConnectionOn(names) {
      closeOn = new Set(names);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function commandName(body: Document): string {
  const first = Object.keys(body)[0];
  return first ?? '';
}

function describe(command: IncomingCommand, name: string): ReceivedCommand {
  const body = command.body;
  const db = typeof body.$db === 'string' ? body.$db : command.namespace.replace(/\.\$cmd$/, '');
  const target = body[name];
  const pipeline = Array.isArray(body.pipeline) ? (body.pipeline as Document[]) : [];
  return {
    name,
    db,
    ...(typeof target === 'string' ? { collection: target } : {}),
    stages: pipeline.map((stage) => Object.keys(stage)[0] ?? ''),
    opCode: command.opCode,
  };
}

function answer(name: string, command: IncomingCommand, topology: Topology, options: MongoWireServerOptions): Document {
  const body = command.body;
  const db = typeof body.$db === 'string' ? body.$db : command.namespace.replace(/\.\$cmd$/, '');
  const target = body[name];
  const ns = typeof target === 'string' ? `${db}.${target}` : db;
  switch (name) {
    case 'hello':
    case 'isMaster':
    case 'ismaster':
      return hello(topology);
    case 'buildInfo':
    case 'buildinfo':
      return loadFixture('buildInfo.4.4.json');
    case 'serverStatus':
      return loadFixture(options.serverStatus === '4.2.8' ? 'serverStatus.replset-primary.4.2.8.ftdc.json' : 'serverStatus.replset-primary.7.0.json');
    case 'replSetGetStatus':
      if (topology !== 'replset-primary') break;
      return loadFixture(
        options.replSetStatus === 'secondary-derived'
          ? 'replSetGetStatus.replset-secondary.4.2.derived.json'
          : options.replSetStatus === 'ftdc'
            ? 'replSetGetStatus.replset-primary.4.2.8.ftdc.json'
            : 'replSetGetStatus.replset-primary.4.2.json',
      );
    case 'replSetGetConfig':
      if (topology !== 'replset-primary') break;
      return loadFixture('replSetGetConfig.replset.4.2.json');
    case 'getCmdLineOpts':
      return loadFixture(`getCmdLineOpts.${topology}.json`);
    case 'top':
      if (topology === 'mongos') break; // mongos has no `top`
      return loadFixture('top.json');
    case 'hostInfo':
      return loadFixture('hostInfo.json');
    case 'connPoolStats':
      return loadFixture('connPoolStats.replset-primary.7.0.json');
    case 'getDiagnosticData':
      return loadFixture('getDiagnosticData.oplog-stats-only.6.0.json');
    case 'dbStats':
      if (topology === 'mongos' && db === 'admin') return loadFixture('dbStats.mongos.json');
      if (topology !== 'mongos' && db === 'local') return loadFixture('dbStats.shard-member.json');
      break;
    case 'collStats':
      if (ns === 'local.oplog.rs' && topology === 'replset-primary') return loadFixture('collStats.oplog.rs.replset-primary.4.2.8.ftdc.json');
      break;
    case 'profile':
      if (db === 'admin') return loadFixture('profile.level0.json');
      if (db === 'integration') return loadFixture('profile.level1.json');
      break;
    case 'listDatabases':
      return listDatabases(topology);
    case 'listCollections': {
      const names = CATALOG[db];
      if (!names) break;
      return cursorReply(`${db}.$cmd.listCollections`, names.map((n) => ({ name: n, type: 'collection' })));
    }
    case 'listIndexes':
      if (ns === RECORDED_COLLECTION) return cursorReply(`${ns}`, listIndexesFromPymongo());
      break;
    case 'find':
      if (ns === 'integration.system.profile') return cursorReply(ns, loadFixture<Document[]>('system.profile.sample.json'));
      break;
    case 'aggregate':
      return aggregate(body, db, ns, topology) ?? commandNotFound(name);
    // Plain acknowledgements with no data: what mongod answers to a ping and to the driver's endSessions at close.
    case 'ping':
    case 'endSessions':
      return { ok: 1 };
  }
  return commandNotFound(name);
}

/**
 * The recorded `isMaster` is a 4.2 replica-set primary (maxWireVersion 8). Node driver 7 refuses a server below wire
 * version 9 (MongoDB 4.4), so maxWireVersion is raised to 9, matching the 4.4.10 buildInfo recording this server
 * answers with; the rest is as recorded. No standalone or mongos hello was recorded: for those topologies the
 * replica-set fields are removed (a standalone has none of them, nor cluster-time gossip), and mongos gets the one field
 * the MongoDB docs say marks it (`msg: "isdbgrid"`).
 */
function hello(topology: Topology): Document {
  const doc = loadFixture<Document>('isMaster.replset-primary.4.2.json');
  doc.maxWireVersion = new Int32(9);
  if (topology === 'replset-primary') return doc;
  const replicaSetFields = ['hosts', 'arbiters', 'setName', 'setVersion', 'secondary', 'primary', 'me', 'electionId', 'lastWrite'];
  const shardMemberFields = ['$gleStats', 'lastCommittedOpTime', '$configServerState'];
  for (const key of [...replicaSetFields, ...shardMemberFields]) delete doc[key];
  if (topology === 'standalone') {
    delete doc.$clusterTime;
    delete doc.operationTime;
    return doc;
  }
  return { msg: 'isdbgrid', ...doc };
}

function listDatabases(topology: Topology): Document {
  // mongos lists no `local` database (each shard has its own).
  const names = Object.keys(CATALOG).filter((n) => topology !== 'mongos' || n !== 'local');
  return { databases: names.map((name) => ({ name, empty: false })), ok: 1 };
}

/** `$currentOp`, `$collStats`, `$indexStats` answered from recordings; any other pipeline has none. */
function aggregate(body: Document, db: string, ns: string, topology: Topology): Document | undefined {
  const pipeline = Array.isArray(body.pipeline) ? (body.pipeline as Document[]) : [];
  const first = Object.keys(pipeline[0] ?? {})[0];
  if (first === '$currentOp' && db === 'admin' && body.aggregate === 1) {
    const file = topology === 'mongos' ? 'currentOp.aggregate.mongos.json' : 'currentOp.aggregate.standalone.json';
    return cursorReply('admin.$cmd.aggregate', loadFixture<Document[]>(file));
  }
  if (first === '$collStats' && ns === RECORDED_COLLECTION) {
    return cursorReply(ns, loadFixture<Document[]>('collStats.aggregate.standalone.7.0.json'));
  }
  if (first === '$indexStats' && ns === RECORDED_COLLECTION) {
    // Replica set / standalone: OTel's two documents recorded from one collection; mongos: DD's shard-member document.
    const docs =
      topology === 'mongos'
        ? loadFixture<Document[]>('indexStats.aggregate.shard.json')
        : [loadFixture<Document>('indexStats.doc-compound.canonical.json'), loadFixture<Document>('indexStats.doc-id.canonical.json')];
    return cursorReply(ns, docs);
  }
  return undefined;
}

/**
 * The listIndexes recording is pymongo's `index_information()` view; SOURCES.md gives the exact mapping back to
 * `listIndexes` documents: `name` is the map key, `key` the [field, direction] pairs in order, other fields unchanged.
 */
function listIndexesFromPymongo(): Document[] {
  const info = loadFixture<Record<string, Document>>('listIndexes.pymongo-index_information.json');
  return Object.entries(info).map(([name, entry]) => {
    const { v, key, ...rest } = entry;
    const pairs = key as [string, unknown][];
    return { v, key: Object.fromEntries(pairs), name, ...rest };
  });
}

/** The cursor envelope every cursor-returning command uses; id 0 means the whole result is in this batch. */
function cursorReply(ns: string, firstBatch: Document[]): Document {
  return { cursor: { id: Long.fromNumber(0), ns, firstBatch }, ok: 1 };
}
