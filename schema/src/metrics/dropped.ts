import type { Engine } from '../domain';

/** Filled below from the field-coverage test's findings. */
export const DROPPED_FIELDS: Readonly<Record<Engine, Readonly<Record<string, Readonly<Record<string, string>>>>>> = {
  postgresql: {},
  mysql: {},
  redis: {},
  mongodb: {},
};
