import type { EngineData, Section, SectionRow } from '@logstag/schema/core';

/** The sections Redis's steps write, as @logstag/schema declares them. */
export type RedisData = EngineData<'redis'>;
export type RedisSection<K extends keyof RedisData> = Section<'redis', K>;
export type RedisRow<K extends keyof RedisData> = SectionRow<'redis', K>;
