import { CATEGORIES, ENGINES } from '@logstag/schema/core';
import * as z from 'zod/mini';

/**
 * The shape of `logstag-agent.yaml` as written by a user (snake_case keys, secrets still as references). Objects are
 * strict so a misspelt key (`pasword:`) is an error instead of a silently ignored setting.
 */

/** An integer in [min, max]. */
const int = (min: number, max = Number.MAX_SAFE_INTEGER) => z.int().check(z.gte(min), z.lte(max));
/** A string of at least one character. */
const nonEmpty = () => z.string().check(z.minLength(1));

const seconds = int(1, 7 * 24 * 3600);

const intervalsSchema = z.strictObject(Object.fromEntries(CATEGORIES.map((c) => [c, z.optional(seconds)])) as Record<
  (typeof CATEGORIES)[number],
  z.ZodMiniOptional<typeof seconds>
>);

const nameSchema = z
  .string()
  .check(z.minLength(1), z.maxLength(128), z.regex(/^[\p{L}\p{N}._:@/ -]+$/u, 'letters, digits, space and . _ : @ / - only'));

/** A literal, `env:NAME` or `file:/path`; resolved after validation. */
const secretReference = nonEmpty();

const tlsSchema = z.strictObject({
  enabled: z._default(z.boolean(), true),
  ca_file: z.optional(nonEmpty()),
  cert_file: z.optional(nonEmpty()),
  key_file: z.optional(nonEmpty()),
  reject_unauthorized: z._default(z.boolean(), true),
});

/** YAML reads `env: 1` or `db: 0` as numbers; tags and Redis db indexes are strings to the agent. */
const stringish = z.pipe(z.union([z.string(), z.number(), z.boolean()]), z.transform(String));

export const targetFileSchema = z
  .strictObject({
    name: nameSchema,
    engine: z.enum(ENGINES),
    host: z.optional(nonEmpty()),
    port: z.optional(int(1, 65535)),
    socket: z.optional(nonEmpty()),
    user: z.optional(nonEmpty()),
    password: z.optional(secretReference),
    database: z.optional(stringish),
    tls: z.optional(tlsSchema),
    databases: z._default(
      z.strictObject({ include: z._default(z.array(z.string()), []), exclude: z._default(z.array(z.string()), []) }),
      { include: [], exclude: [] },
    ),
    tags: z._default(z.record(z.string(), stringish), {}),
    intervals: z._default(intervalsSchema, {}),
    disable: z._default(z.array(nonEmpty()), []),
    query_text: z._default(z.enum(['obfuscated', 'full', 'off']), 'obfuscated'),
    query_text_max_length: z._default(int(16, 1_000_000), 4096),
    statement_timeout_ms: z._default(int(100, 600_000), 5000),
  })
  .check(z.refine((t) => t.host !== undefined || t.socket !== undefined, { message: 'expected host or socket', path: ['host'] }));

export const configFileSchema = z.strictObject({
  server: z.optional(
    z.strictObject({
      url: z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' }),
      api_key: secretReference,
    }),
  ),
  agent_id: z.optional(nameSchema),
  spool: z._default(
    z.strictObject({
      dir: z.optional(nonEmpty()),
      max_bytes: z._default(int(1024), 256 * 1024 * 1024),
      max_age_hours: z._default(z.number().check(z.positive()), 72),
    }),
    { max_bytes: 256 * 1024 * 1024, max_age_hours: 72 },
  ),
  intervals: z._default(intervalsSchema, {}),
  /** Extra paths whose disk usage goes into the heartbeat (database data directories visible to the agent). */
  data_paths: z._default(z.array(nonEmpty()), []),
  log_level: z._default(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']), 'info'),
  targets: z.array(targetFileSchema).check(z.minLength(1, 'expected at least one target')),
});

export type ConfigFile = z.output<typeof configFileSchema>;
export type TargetFile = z.output<typeof targetFileSchema>;
