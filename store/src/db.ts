import type { Kysely, Transaction } from 'kysely';
import type { Database } from './database';

/** The first argument of every store function: the store itself, or the transaction the caller opened. */
export type Db = Kysely<Database> | Transaction<Database>;
