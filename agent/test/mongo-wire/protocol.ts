import { BSON, type Document } from 'bson';

/**
 * The MongoDB wire protocol framing the test server needs, written from the specification
 * (https://www.mongodb.com/docs/manual/reference/mongodb-wire-protocol/): every message starts with a 16-byte header
 * (messageLength, requestID, responseTo, opCode, all little-endian int32), then an opcode-specific body.
 */
export const OP_REPLY = 1;
export const OP_QUERY = 2004;
export const OP_COMPRESSED = 2012;
export const OP_MSG = 2013;

const HEADER_SIZE = 16;
/** OP_MSG flag bits: a CRC-32C trailer follows the sections; the sender expects no reply. */
const CHECKSUM_PRESENT = 1 << 0;
const MORE_TO_COME = 1 << 1;

export interface MessageHeader {
  messageLength: number;
  requestId: number;
  responseTo: number;
  opCode: number;
}

/** A command as the server sees it, whichever opcode carried it. */
export interface IncomingCommand {
  header: MessageHeader;
  opCode: typeof OP_MSG | typeof OP_QUERY;
  /** OP_MSG section kind 0 body, or the OP_QUERY query document (unwrapped from `$query` if the driver wrapped it). */
  body: Document;
  /** OP_MSG kind 1 document sequences, keyed by identifier (e.g. `documents` of an insert). */
  sequences: Record<string, Document[]>;
  /** OP_QUERY's fullCollectionName (`admin.$cmd`); for OP_MSG `<$db>.$cmd`. */
  namespace: string;
  /** OP_MSG moreToCome: the client wants no answer. */
  moreToCome: boolean;
}

/** Splits a growing byte stream into whole messages; returns the complete ones and the unconsumed rest. */
export function splitMessages(buffer: Buffer): { messages: Buffer[]; rest: Buffer } {
  const messages: Buffer[] = [];
  let offset = 0;
  while (buffer.length - offset >= 4) {
    const length = buffer.readInt32LE(offset);
    if (length < HEADER_SIZE) throw new Error(`invalid message length ${length}`);
    if (buffer.length - offset < length) break;
    messages.push(buffer.subarray(offset, offset + length));
    offset += length;
  }
  return { messages, rest: buffer.subarray(offset) };
}

export function readHeader(message: Buffer): MessageHeader {
  return {
    messageLength: message.readInt32LE(0),
    requestId: message.readInt32LE(4),
    responseTo: message.readInt32LE(8),
    opCode: message.readInt32LE(12),
  };
}

/** Decodes OP_MSG and OP_QUERY; any other opcode (OP_COMPRESSED, the removed legacy CRUD opcodes) is an error. */
export function decodeCommand(message: Buffer): IncomingCommand {
  const header = readHeader(message);
  if (header.opCode === OP_MSG) return decodeOpMsg(header, message);
  if (header.opCode === OP_QUERY) return decodeOpQuery(header, message);
  throw new Error(`unsupported opcode ${header.opCode}`);
}

function decodeOpMsg(header: MessageHeader, message: Buffer): IncomingCommand {
  const flagBits = message.readUInt32LE(HEADER_SIZE);
  const end = message.length - (flagBits & CHECKSUM_PRESENT ? 4 : 0);
  let offset = HEADER_SIZE + 4;
  let body: Document | undefined;
  const sequences: Record<string, Document[]> = {};
  while (offset < end) {
    const kind = message.readUInt8(offset);
    offset += 1;
    if (kind === 0) {
      const size = message.readInt32LE(offset);
      body = BSON.deserialize(message.subarray(offset, offset + size));
      offset += size;
    } else if (kind === 1) {
      // Kind 1: int32 size (including itself), a cstring identifier, then BSON documents up to the size.
      const size = message.readInt32LE(offset);
      const sectionEnd = offset + size;
      const nul = message.indexOf(0, offset + 4);
      const identifier = message.toString('utf8', offset + 4, nul);
      let docOffset = nul + 1;
      const docs: Document[] = [];
      while (docOffset < sectionEnd) {
        const docSize = message.readInt32LE(docOffset);
        docs.push(BSON.deserialize(message.subarray(docOffset, docOffset + docSize)));
        docOffset += docSize;
      }
      sequences[identifier] = docs;
      offset = sectionEnd;
    } else {
      throw new Error(`unknown OP_MSG section kind ${kind}`);
    }
  }
  if (!body) throw new Error('OP_MSG without a kind 0 body section');
  const db = typeof body.$db === 'string' ? body.$db : 'admin';
  return { header, opCode: OP_MSG, body, sequences, namespace: `${db}.$cmd`, moreToCome: (flagBits & MORE_TO_COME) !== 0 };
}

function decodeOpQuery(header: MessageHeader, message: Buffer): IncomingCommand {
  // flags int32, fullCollectionName cstring, numberToSkip int32, numberToReturn int32, query document, [fieldsSelector].
  let offset = HEADER_SIZE + 4;
  const nul = message.indexOf(0, offset);
  const namespace = message.toString('utf8', offset, nul);
  offset = nul + 1 + 8;
  const size = message.readInt32LE(offset);
  let query = BSON.deserialize(message.subarray(offset, offset + size));
  // Drivers that send a read preference over OP_QUERY wrap the command as {$query: cmd, $readPreference: …}.
  if (query.$query && typeof query.$query === 'object') query = query.$query as Document;
  return { header, opCode: OP_QUERY, body: query, sequences: {}, namespace, moreToCome: false };
}

let nextRequestId = 1;

/** OP_MSG reply: flagBits 0, one kind 0 section. */
export function encodeOpMsgReply(responseTo: number, doc: Document): Buffer {
  const body = Buffer.from(BSON.serialize(doc));
  const message = Buffer.alloc(HEADER_SIZE + 4 + 1 + body.length);
  writeHeader(message, responseTo, OP_MSG);
  message.writeUInt32LE(0, HEADER_SIZE);
  message.writeUInt8(0, HEADER_SIZE + 4);
  body.copy(message, HEADER_SIZE + 5);
  return message;
}

/** OP_REPLY to a legacy OP_QUERY (only the handshake uses it): responseFlags, cursorID 0, startingFrom 0, one document. */
export function encodeOpReply(responseTo: number, doc: Document): Buffer {
  const body = Buffer.from(BSON.serialize(doc));
  const message = Buffer.alloc(HEADER_SIZE + 20 + body.length);
  writeHeader(message, responseTo, OP_REPLY);
  message.writeInt32LE(0, HEADER_SIZE); // responseFlags: AwaitCapable would be bit 3; not needed for a command reply
  message.writeBigInt64LE(0n, HEADER_SIZE + 4); // cursorID
  message.writeInt32LE(0, HEADER_SIZE + 12); // startingFrom
  message.writeInt32LE(1, HEADER_SIZE + 16); // numberReturned
  body.copy(message, HEADER_SIZE + 20);
  return message;
}

function writeHeader(message: Buffer, responseTo: number, opCode: number): void {
  message.writeInt32LE(message.length, 0);
  message.writeInt32LE(nextRequestId++, 4);
  message.writeInt32LE(responseTo, 8);
  message.writeInt32LE(opCode, 12);
}
