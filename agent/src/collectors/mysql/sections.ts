import type { EngineData, Section, SectionRow } from '@logstag/schema/core';

/** The sections Mysql's steps write, as @logstag/schema declares them. */
export type MysqlData = EngineData<'mysql'>;
export type MysqlSection<K extends keyof MysqlData> = Section<'mysql', K>;
export type MysqlRow<K extends keyof MysqlData> = SectionRow<'mysql', K>;
