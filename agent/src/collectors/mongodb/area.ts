import type { Db } from 'mongodb';
import type { CounterSpecs } from '../step';
import type { MongodbData } from './sections';

/** What one area file returns: named payload sections, and which of them hold counters. */
export interface AreaResult {
  data: MongodbData;
  counters?: CounterSpecs<MongodbData>;
}

/** What an area needs: the admin database, the target's per-command deadline, and the databases in scope. */
export interface AreaContext {
  admin: Db;
  db(name: string): Db;
  timeoutMs: number;
  signal: AbortSignal;
  /** Databases selected by the target's include/exclude lists (schema and profiler areas walk them). */
  includeDatabase(name: string): boolean;
}
