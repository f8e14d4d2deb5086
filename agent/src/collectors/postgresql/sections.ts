import type { EngineData, Section, SectionRow } from '@logstag/schema/core';

/** The sections PostgreSQL's steps write, as @logstag/schema declares them. */
export type PostgresqlData = EngineData<'postgresql'>;
export type PgSection<K extends keyof PostgresqlData> = Section<'postgresql', K>;
export type PgRow<K extends keyof PostgresqlData> = SectionRow<'postgresql', K>;
