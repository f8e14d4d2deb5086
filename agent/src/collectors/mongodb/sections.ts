import type { EngineData, Section, SectionRow } from '@logstag/schema/core';

/** The sections Mongodb's steps write, as @logstag/schema declares them. */
export type MongodbData = EngineData<'mongodb'>;
export type MongodbSection<K extends keyof MongodbData> = Section<'mongodb', K>;
export type MongodbRow<K extends keyof MongodbData> = SectionRow<'mongodb', K>;
