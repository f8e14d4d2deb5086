import { BSON } from 'bson';
import { MongoClient } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { decodeCommand, OP_MSG, OP_QUERY } from './protocol';
import { startMongoWireServer } from './server';

describe('MongoDB wire-protocol test server', () => {
  it('answers the driver: legacy OP_QUERY handshake, then OP_MSG commands from the recordings, CommandNotFound otherwise', async () => {
    const server = await startMongoWireServer();
    const client = new MongoClient(server.uri, { serverSelectionTimeoutMS: 2000, maxPoolSize: 1 });
    try {
      const build = await client.db('admin').command({ buildInfo: 1 });
      expect(build.version).toBe('4.4.10');
      await expect(client.db('admin').command({ getParameter: '*' })).rejects.toMatchObject({ code: 59, codeName: 'CommandNotFound', message: "no such command: 'getParameter'" });
      expect(server.received[0]).toMatchObject({ name: 'ismaster', opCode: OP_QUERY });
      expect(server.received.find((c) => c.name === 'buildInfo')).toMatchObject({ db: 'admin', opCode: OP_MSG });
    } finally {
      await client.close();
      await server.close();
    }
  });

  it('decodes OP_MSG kind 1 document sequences next to the kind 0 body', () => {
    const body = Buffer.from(BSON.serialize({ insert: 'c', $db: 'app' }));
    const docs = [{ a: 1 }, { a: 2 }].map((d) => Buffer.from(BSON.serialize(d)));
    const identifier = Buffer.from('documents\0');
    const sequenceSize = 4 + identifier.length + docs.reduce((n, d) => n + d.length, 0);
    const size = Buffer.alloc(4);
    size.writeInt32LE(sequenceSize);
    const payload = Buffer.concat([Buffer.from([0, 0, 0, 0]), Buffer.from([0]), body, Buffer.from([1]), size, identifier, ...docs]);
    const header = Buffer.alloc(16);
    header.writeInt32LE(16 + payload.length, 0);
    header.writeInt32LE(7, 4);
    header.writeInt32LE(0, 8);
    header.writeInt32LE(OP_MSG, 12);
    const command = decodeCommand(Buffer.concat([header, payload]));
    expect(command.body).toEqual({ insert: 'c', $db: 'app' });
    expect(command.sequences).toEqual({ documents: [{ a: 1 }, { a: 2 }] });
    expect(command.namespace).toBe('app.$cmd');
  });
});
